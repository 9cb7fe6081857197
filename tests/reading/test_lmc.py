"""LMCs as first-class (issue 15): what an LMC covers, through the loader, the export, the API and its page."""

from pathlib import Path

import pytest
import yaml

from governance import governance_file as loading
from governance.governance_file import write
from governance.models import Coverage, Organisation
from governance.reading import as_of, lmc
from governance.reading.graph import SystemGraph
from tests.builders import ILLUSTRATIVE_QOP, SPANNING_LMC, D, load_text, org, two_counties

pytestmark = pytest.mark.django_db

DEMO = ILLUSTRATIVE_QOP
GM_PLACES = ["00T", "00V", "00Y", "01D", "01G", "01W", "01Y", "02A", "02H", "14L"]
TODAY = D(2026, 11, 22)


@pytest.fixture
def demo():
    """The demo, with a PCN under Bolton (two practices, one closing in 2025) and one under Wigan."""
    loading.load_governance([DEMO])
    bolton_pcn = org("U00T", "pcn", Organisation.objects.get(code="00T"), name="Bolton PCN")
    org("P00T1", "practice", bolton_pcn, name="Bolton Surgery")
    org("P00T2", "practice", bolton_pcn, name="Closing Surgery", closed=D(2025, 6, 30))
    wigan_pcn = org("U02H", "pcn", Organisation.objects.get(code="02H"), name="Wigan PCN")
    org("P02H1", "practice", wigan_pcn, name="Wigan Surgery")


def covered_codes(code="qop-lmc") -> list[str]:
    return sorted(Coverage.objects.filter(lmc__code=code).values_list("covered__code", flat=True))


def footprint(date):
    gm_lmc = Organisation.objects.get(code="qop-lmc")
    return lmc.footprint(gm_lmc, SystemGraph.load(gm_lmc.get_root().pk, date))


def test_the_demo_lmc_covers_the_ten_gm_localities(demo):
    assert covered_codes() == GM_PLACES


def test_footprint_as_of_two_dates(demo):
    before = footprint(D(2025, 6, 30))  # the closing practice's last day
    after = footprint(TODAY)

    assert (before["pcns"], before["practices"]) == (2, 3)
    assert (after["pcns"], after["practices"]) == (2, 2)
    bolton = next(p for p in after["places"] if p["place"]["code"] == "00T")
    assert bolton == {
        "place": bolton["place"],
        "pcns": 1,
        "practices": 1,
        "reaching_top": 1,
        "complete": 1,
        "pcn_list": [
            {
                "pcn": {"code": "U00T", "name": "Bolton PCN", "kind": "pcn"},
                "practices": [{"code": "P00T1", "name": "Bolton Surgery", "kind": "practice"}],
            }
        ],
    }
    # Wigan has no seat on the GP board: its practices' chains break there
    assert after["breaks"] == [{"organisation": {"code": "02H", "name": "Wigan", "kind": "place"}, "practices": 1}]
    assert [s["label"] for s in after["seats"]] == ["Local medical committee representative"]


def test_footprint_costs_one_query_beyond_the_graph(demo, django_assert_num_queries):
    gm_lmc = Organisation.objects.get(code="qop-lmc")
    graph = SystemGraph.load(gm_lmc.get_root().pk, TODAY)
    with django_assert_num_queries(1):
        lmc.footprint(gm_lmc, graph)


def test_covering_a_pcn_covers_its_practices_only(demo):
    Coverage.objects.filter(lmc__code="qop-lmc").delete()
    Coverage.objects.create(lmc=Organisation.objects.get(code="qop-lmc"), covered=Organisation.objects.get(code="U02H"))
    result = footprint(TODAY)
    assert (result["pcns"], result["practices"]) == (1, 1)


def test_loading_the_demo_twice_changes_no_coverage(demo):
    report = loading.load_governance([DEMO])
    assert not report.changed


def gm_file(tmp_path, covers, kind="lmc") -> Path:
    data = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    entry = next(o for o in data["organisations"] if o["code"] == "qop-lmc")
    entry["covers"], entry["kind"] = covers, kind
    path = tmp_path / "qop.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_file_changes_what_an_lmc_covers(demo, tmp_path):
    report = loading.load_governance([gm_file(tmp_path, ["00T", "U02H"])])

    assert covered_codes() == ["00T", "U02H"]
    assert any("covers +U02H" in line for line in report.changes)


@pytest.mark.parametrize(
    ("covers", "kind", "where", "message"),
    [
        (["NOPE"], "lmc", "covers[0]", "unknown covered organisation code 'NOPE'"),
        (["qop-board"], "lmc", "covers[0]", "qop-board is a board; an LMC covers places, PCNs or practices"),
        (["00T", "00T"], "lmc", "covers[1]", "00T is listed twice"),
        (["qaa-board"], "lmc", "covers[0]", "qaa-board is a board; an LMC covers places, PCNs or practices"),
        (["00T"], "federation", "covers", "only an LMC covers places, PCNs or practices"),
    ],
)
def test_bad_coverage_is_refused_with_its_place_and_writes_nothing(demo, tmp_path, covers, kind, where, message):
    org("qaa-board", "board", org("QAA", "icb"))  # another system's: its kind is checked all the same
    with pytest.raises(loading.GovernanceFileError) as raised:
        loading.load_governance([gm_file(tmp_path, covers, kind)])

    assert where in str(raised.value) and message in str(raised.value)
    assert covered_codes() == GM_PLACES


def test_export_round_trips_covers(demo, tmp_path):
    data = write.governance_file(Organisation.objects.get(code="QOP"))
    entry = next(o for o in data["organisations"] if o["code"] == "qop-lmc")
    assert entry["covers"] == GM_PLACES

    Coverage.objects.all().delete()
    path = tmp_path / "export.yaml"
    path.write_text(write.dump_yaml(data), encoding="utf-8")
    loading.load_governance([path])
    assert covered_codes() == GM_PLACES


def test_api_organisation_detail_says_what_an_lmc_covers(client, demo):
    detail = client.get("/api/v1/organisations/qop-lmc/").json()
    assert [c["code"] for c in detail["covers"]] == GM_PLACES
    assert detail["covers"][0] == {"code": "00T", "name": "Bolton", "kind": "place"}
    assert client.get("/api/v1/organisations/00T/").json()["covers"] == []


def test_lmc_page_shows_its_footprint_and_a_practice_page_names_its_lmc(client, demo):
    html = client.get("/organisations/qop-lmc/", {"date": TODAY.isoformat()}).content.decode()
    assert "What this LMC covers" in html
    assert "2 PCNs and 2 practices open that day" in html
    assert "Where its practices’ chains break" in html and "Wigan (02H)</a>: 1 practice" in html

    practice = client.get("/organisations/P00T1/").content.decode()
    assert "Local medical committee" in practice
    assert 'href="/organisations/qop-lmc/">Greater Manchester Local Medical Committees</a>' in practice


# An LMC across two systems (DESIGN.md, "LMCs across systems")


@pytest.fixture
def spanning(tmp_path):
    counties = two_counties()
    load_text(tmp_path, SPANNING_LMC)
    return counties


def spanning_footprint(date=TODAY, structure=None):
    lmc_org = Organisation.objects.get(code="lmc-surrey-sussex")
    return lmc.footprint(lmc_org, SystemGraph.load(lmc_org.get_root().pk, date), structure=structure)


def test_footprint_by_system_place_and_pcn_with_practices_by_name(spanning):
    result = spanning_footprint()

    assert (result["pcns"], result["practices"]) == (2, 3)
    assert [(s["system"]["code"], s["pcns"], s["practices"]) for s in result["systems"]] == [
        ("QXU", 1, 2),
        ("QNX", 1, 1),
    ]
    surrey, sussex = result["systems"]
    assert [p["place"]["code"] for p in surrey["places"]] == ["92A"]
    assert surrey["places"][0]["pcn_list"] == [
        {
            "pcn": {"code": "U92A1", "name": "Guildford PCN", "kind": "pcn"},
            "practices": [
                {"code": "P92A1", "name": "Austen Road Surgery", "kind": "practice"},
                {"code": "P92A2", "name": "Woodbridge Hill Surgery", "kind": "practice"},
            ],
        }
    ]
    # a covered PCN of another system: only it and its practice, not the rest of its place
    assert [(u["pcn"]["code"], [p["name"] for p in u["practices"]]) for u in sussex["places"][0]["pcn_list"]] == [
        ("U09D1", ["Ardingly Court Surgery"])
    ]
    assert [(c["code"], c["system"]["code"]) for c in result["covers"]] == [("U09D1", "QNX"), ("92A", "QXU")]


def test_footprint_across_systems_costs_the_same_queries_however_large(spanning, django_assert_num_queries):
    lmc_org = Organisation.objects.get(code="lmc-surrey-sussex")

    def queries_for_footprint():
        structure, home = as_of.england(), SystemGraph.load(lmc_org.get_root().pk, TODAY)
        with django_assert_num_queries(1):  # the coverage: the other system's graph comes from the structure
            return lmc.footprint(lmc_org, home, structure=structure)["practices"]

    assert queries_for_footprint() == 3
    for n in range(5):
        org(f"G8200{n}", "practice", Organisation.objects.get(code="U09D1"), name=f"More Surgery {n}")
    assert queries_for_footprint() == 8


def test_a_unit_names_its_lmc_of_another_system(spanning):
    assert lmc.lmcs_of(Organisation.objects.get(code="G81001"), TODAY) == [
        {"code": "lmc-surrey-sussex", "name": "Surrey and Sussex Local Medical Committees"}
    ]
    assert lmc.lmcs_of(Organisation.objects.get(code="U09D1"), TODAY)[0]["code"] == "lmc-surrey-sussex"
    assert lmc.lmcs_of(Organisation.objects.get(code="G81002"), TODAY) == []  # Hove PCN is not covered
