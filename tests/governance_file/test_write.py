"""The governance file written (governance.governance_file.write): load_governance reads it back unchanged, into
the same database or an emptied one, with every key the loader reads (clusters, other sources' accounts, sources and
days seen, LMCs' covers and names), the shipped files too; its keys are the format's; and its API endpoint. Popolo,
the other export, is tested in reading/test_popolo.py."""

import json

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from governance import governance_file as loading
from governance.governance_file import format, write
from governance.models import AlsoReported, Appointment, Cluster, Coverage, Organisation, Person, Seat
from governance.reading import system_rows
from tests.builders import (
    EVERY_KEY_SYSTEM,
    ILLUSTRATIVE_QOP,
    SHIPPED_GOVERNANCE,
    D,
    appoint,
    mixed_system,
    ods,
    org,
    seat,
)

pytestmark = pytest.mark.django_db

DEMO = ILLUSTRATIVE_QOP
WRITES = ("INSERT", "UPDATE", "DELETE")


def root(code: str = "QOP") -> Organisation:
    return Organisation.objects.get(code=code, parent__isnull=True)


def exported_yaml(code: str = "QOP") -> str:
    return write.dump_yaml(write.governance_file(root(code)))


def load_text(tmp_path, text: str, name: str = "export.yaml") -> loading.LoadReport:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return loading.load_governance([path])


def empty_database() -> None:
    """Every organisation, seat, person and appointment gone (as on a fresh install), and with them every
    cluster, other source's account and LMC's cover."""
    Appointment.objects.all().delete()
    AlsoReported.objects.all().delete()
    Seat.objects.all().delete()
    Person.objects.all().delete()
    Cluster.objects.all().delete()
    Coverage.objects.all().delete()
    Organisation.objects.update(parent=None, sub_icb=None, top_board=None)  # PROTECT: unlink, then delete
    Organisation.objects.all().delete()


def governance_rows(code: str) -> dict[str, list]:
    """What the loader wrote for the system ``code``, without ids (which a second load does not keep)."""
    tree = root(code).tree_id
    return {
        "organisations": sorted(
            Organisation.objects.filter(tree_id=tree).values_list(
                "code", "name", "kind", "parent__code", "source", "region", "opened", "closed", "postcode",
                "routes_recorded", "governance_source", "verified_on", "illustrative", "also_known_as",
                "top_board__code",
            )
        ),
        "clusters": sorted(
            Cluster.objects.filter(icb__tree_id=tree).values_list(
                "icb__code", "name", "start", "start_known", "end", "source"
            )
        ),
        "covers": sorted(Coverage.objects.filter(lmc__tree_id=tree).values_list("lmc__code", "covered__code")),
        "seats": sorted(
            Seat.objects.filter(body__tree_id=tree).values_list(
                "body__code", "label", "role", "selection", "represents__code", "sector", "delegate", "voting",
                "max_holders", "portfolio", "holders_recorded", "mental_health",
            )
        ),
        "appointments": sorted(
            Appointment.objects.filter(seat__body__tree_id=tree).values_list(
                "seat__body__code", "seat__label", "person__name", "start", "start_known", "seen", "end", "end_known",
                "term_ends", "source", "acting",
            )
        ),
        "also_reported": sorted(
            AlsoReported.objects.filter(seat__body__tree_id=tree).values_list(
                "seat__body__code", "seat__label", "name", "seen", "source"
            )
        ),
    }  # fmt: skip


def writes_while(callable_) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        callable_()
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


# The demo -------------------------------------------------------------------------------------------


@pytest.fixture
def demo():
    loading.load_governance([DEMO])


def test_demo_round_trips_through_an_emptied_database(demo, tmp_path):
    first = exported_yaml()

    empty_database()
    load_text(tmp_path, first)

    assert exported_yaml() == first


def test_loading_the_export_into_the_same_database_writes_nothing(demo, tmp_path):
    text = exported_yaml()

    report = None

    def load():
        nonlocal report
        report = load_text(tmp_path, text)

    assert writes_while(load) == []
    assert not report.changed


def test_demo_export_says_what_the_demo_file_says(demo):
    data = write.governance_file(root())
    original, _ = loading.read_governance_file(DEMO)

    assert data["system"] == {
        "code": "QOP",
        "name": original.system.name,
        "region": "North West",
        "illustrative": True,  # its holders are invented
    }
    assert data["top_board"] == "qop-board"
    assert {o["code"]: o["parent"] for o in data["organisations"]} == {o.code: o.parent for o in original.organisations}
    assert {(s["board"], s["label"]) for s in data["seats"]} == {(s.board, s.label) for s in original.seats}
    holders = {(s["board"], s["label"], h["name"], h["from"], h.get("to")) for s in data["seats"] for h in s["holders"]}
    assert holders == {
        (s.board, s.label, h.name, h.start, h.end) for s in original.seats for h in s.holders
    }  # every holder, past and present
    # parents before children, bodies before units among siblings
    codes = [o["code"] for o in data["organisations"]]
    assert codes.index("qop-board") < codes.index("qop-provider-board") < codes.index("00T")
    assert codes.index("00T") < codes.index("qop-bolton-locality-board")


def test_json_export_loads_as_a_json_governance_file(demo, tmp_path):
    client = APIClient()
    response = client.get("/api/v1/systems/QOP/governance/", {"format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert writes_while(lambda: load_text(tmp_path, response.content.decode(), "export.json")) == []
    empty_database()
    load_text(tmp_path, response.content.decode(), "export.json")
    assert client.get("/api/v1/systems/QOP/governance/", {"format": "json"}).json() == response.json()


# A system with ODS-side organisations, and values YAML could misread (builders.mixed_system) ---------


def test_export_keeps_governance_organisations_and_refers_to_ods_ones_by_code():
    mixed_system()
    assert write.governance_file(root("QZZ"))["system"] == {"code": "QZZ", "name": "Test ICB"}  # no empty region

    data = write.governance_file(root("QZZ"))

    assert [o["code"] for o in data["organisations"]] == ["qzz-board", "123", "01A", "u99001-board"]
    assert data["organisations"][1] == {
        "code": "123",
        "name": "yes",
        "kind": "committee",
        "parent": "qzz-board",
        "opened": D(2023, 4, 1),
    }
    assert data["organisations"][3]["parent"] == "U99001"  # not in the file: ODS data supplies it
    reps = next(s for s in data["seats"] if s["label"] == "PCN representatives")
    assert reps == {
        "board": "123",
        "label": "PCN representatives",
        "role": "representative",
        "selection": "elected",
        "represents": "U99001",
        "delegate": True,
        "voting": False,
        "max_holders": 2,
        "holders": [{"name": "Null", "from": D(2023, 4, 1)}, {"name": "Zoë O'Brien", "from": D(2023, 4, 1)}],
    }
    text = write.dump_yaml(data)
    assert "'123'" in text and "'yes'" in text and "'Null'" in text  # quoted: they would read as other types
    assert yaml.safe_load(text) == data
    assert loading.parse_governance(yaml.safe_load(text), "export.yaml")[1] == []


def test_mixed_system_round_trips_once_the_ods_side_is_back(tmp_path):
    mixed_system()
    first = exported_yaml("QZZ")
    assert writes_while(lambda: load_text(tmp_path, first)) == []

    empty_database()
    mixed_system(with_governance=False)  # what the ODS import would bring back
    load_text(tmp_path, first)

    assert exported_yaml("QZZ") == first
    assert Organisation.objects.get(code="U99001").source == "ods"  # the file never claimed it


def test_governance_file_queries_are_bounded(django_assert_max_num_queries):
    mixed_system()
    system = root("QZZ")
    with django_assert_max_num_queries(4):
        small = write.governance_file(system)
    pcn = Organisation.objects.get(code="U99001")
    for n in range(30):
        board = org(f"extra-{n}", "board", pcn)
        appoint(seat(board, "Member"), f"Illustrative Member {n}")
    with django_assert_max_num_queries(4):
        large = write.governance_file(system)
    assert len(large["seats"]) == len(small["seats"]) + 30


# Every key, both ways ---------------------------------------------------------------------------------

FORMAT_KEYS = {
    "file": format.FILE,
    "system": format.SYSTEM,
    "cluster": format.CLUSTER,
    "organisation": format.ORGANISATION,
    "seat": format.SEAT,
    "holder": format.HOLDER,
    "report": format.REPORT,
}


def keys_written(data: dict) -> dict[str, set[str]]:
    """The keys a written file uses, by kind of entry (as format.py names them)."""
    written: dict[str, set[str]] = {entry: set() for entry in FORMAT_KEYS}
    written["file"] |= set(data)
    written["system"] |= set(data["system"])
    for cluster in data["system"].get("clusters", []):
        written["cluster"] |= set(cluster)
    for organisation in data["organisations"]:
        written["organisation"] |= set(organisation)
    for seat_entry in data["seats"]:
        written["seat"] |= set(seat_entry)
        for holder in seat_entry["holders"] if seat_entry["holders"] != format.HOLDERS_UNKNOWN else ():
            written["holder"] |= set(holder)
        for report in seat_entry.get("also_reported", []):
            written["report"] |= set(report)
    return written


@pytest.fixture
def every_key(tmp_path):
    load_text(tmp_path, EVERY_KEY_SYSTEM, "every-key.yaml")


def test_the_writer_writes_every_key_the_parser_reads(every_key):
    # Both take the keys from governance_file.format: a key the writer wrote and the parser did not know
    # would make every export unloadable; one it read and the writer left out would be lost on the way.
    written = keys_written(write.governance_file(root("QRT")))

    for entry, known in FORMAT_KEYS.items():
        assert written[entry] == set(known.all), entry


def test_a_system_using_every_key_round_trips_through_an_emptied_database(every_key, tmp_path):
    loaded = governance_rows("QRT")
    first = exported_yaml("QRT")
    assert writes_while(lambda: load_text(tmp_path, first)) == []  # into the database it came from: nothing

    empty_database()
    load_text(tmp_path, first)

    assert exported_yaml("QRT") == first
    assert governance_rows("QRT") == loaded
    assert loaded["clusters"] and loaded["also_reported"] and loaded["covers"]  # the rows compared are there
    chair_two = next(a for a in loaded["appointments"] if a[2] == "Illustrative Chair Two")
    assert chair_two[4:8] == (False, D(2024, 5, 1), D(2026, 1, 31), False)  # seen; ended by the next, derived


def test_the_writer_says_acting_only_of_a_holder_named_acting(every_key):
    chair = next(s for s in write.governance_file(root("QRT"))["seats"] if s["label"] == "Chair")

    assert [h.get("acting") for h in chair["holders"]] == [None, None, True]  # false is the default, left out
    assert "acting: true" in exported_yaml("QRT")


def test_an_lmc_and_a_disputed_seat_cost_a_query_each(every_key, django_assert_max_num_queries):
    system = root("QRT")
    with django_assert_max_num_queries(6):
        data = write.governance_file(system)

    assert [o["covers"] for o in data["organisations"] if "covers" in o] == [["00R", "U00R01"]]
    assert sum(len(s.get("also_reported", [])) for s in data["seats"]) == 3


def test_an_export_on_a_day_has_the_clusters_and_holders_of_that_day(every_key, tmp_path):
    system = root("QRT")

    def on(day):
        return write.governance_file(system, system_rows.on_day(system, day))

    chair = next(s for s in on(D(2025, 6, 1))["seats"] if s["label"] == "Chair")
    assert on(D(2025, 6, 1))["system"]["clusters"] == [
        {
            "name": "Round Trip and Near cluster",
            "from": D(2025, 4, 1),
            "to": D(2026, 3, 31),
            "source": "https://example.org/clusters-2025",
        }
    ]
    assert [h["name"] for h in chair["holders"]] == ["Illustrative Chair Two"]
    assert [c["name"] for c in on(D(2026, 6, 1))["system"]["clusters"]] == ["Round Trip and Far cluster"]
    assert "clusters" not in on(D(2024, 1, 1))["system"]  # in none that day
    place_member = next(s for s in on(D(2024, 1, 1))["seats"] if s["label"] == "Round Trip place member")
    assert len(place_member["also_reported"]) == 2  # every account, as the body's page shows on any day


# The shipped files -------------------------------------------------------------------------------------


def ods_rows_for(specs: list) -> None:
    """Each shipped system's ICB, and the ODS units its files name without declaring (a place a body sits
    under or a seat represents, in that system; a unit an LMC covers, in any), as places: small rows standing
    for the ODS import."""
    declared = {code for spec in specs for code in (spec.system.code, *(o.code for o in spec.organisations))}
    roots = {spec.system.code: ods(spec.system.code, "icb", name=spec.system.name) for spec in specs}
    homes: dict[str, str] = {}
    for spec in specs:
        named = [o.parent for o in spec.organisations] + [s.represents for s in spec.seats]
        for code in named:
            if code and code not in declared:
                homes[code] = spec.system.code
    for spec in specs:
        for code in (c for o in spec.organisations for c in o.covers or ()):
            if code not in declared:
                homes.setdefault(code, spec.system.code)
    for code, home in sorted(homes.items()):
        ods(code, "place", roots[home])


def counted(seats) -> tuple[int, int]:
    """Holders and other accounts of ``seats`` (parsed specs)."""
    return sum(len(s.holders) for s in seats), sum(len(s.also_reported) for s in seats)


def test_every_shipped_file_exported_reads_back_with_its_holders_clusters_and_accounts(tmp_path):
    specs = [loading.read_governance_file(path)[0] for path in SHIPPED_GOVERNANCE]
    ods_rows_for(specs)
    loading.load_governance(SHIPPED_GOVERNANCE)

    exports = []
    for spec in specs:
        text = write.dump_yaml(write.governance_file(root(spec.system.code)))
        again, problems = loading.parse_governance(yaml.safe_load(text), spec.file)
        assert problems == [], spec.file
        assert counted(again.seats) == counted(spec.seats), spec.file
        assert len(again.system.clusters or []) == len(spec.system.clusters or []), spec.file
        path = tmp_path / f"{spec.system.code}.yaml"
        path.write_text(text, encoding="utf-8")
        exports.append(path)
    assert sum(counted(spec.seats)[1] for spec in specs) and any(spec.system.clusters for spec in specs)

    assert not loading.load_governance(exports).changed  # the exports say what the files said


# The format's words in the schema ----------------------------------------------------------------------


def test_the_schema_describes_every_key_of_the_file(client):
    schemas = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    system = schemas["GovernanceSystem"]["properties"]
    seat_schema = schemas["GovernanceSeat"]["properties"]
    described = {
        "file": schemas["GovernanceFile"]["properties"],
        "system": system,
        "cluster": system["clusters"]["items"]["properties"],
        "organisation": schemas["GovernanceOrganisation"]["properties"],
        "seat": seat_schema,
        "holder": seat_schema["holders"]["oneOf"][0]["items"]["properties"],
        "report": schemas["GovernanceReport"]["properties"],
    }

    for entry, known in FORMAT_KEYS.items():
        assert set(described[entry]) == set(known.all), entry


# The endpoints ----------------------------------------------------------------------------------


def test_governance_endpoint_answers_yaml_to_a_client_that_asks_for_it(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        response = APIClient().get("/api/v1/systems/QOP/governance/", headers={"accept": "application/yaml"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/yaml; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="QOP.yaml"'
    assert response.content.decode() == exported_yaml()
    assert APIClient().get("/api/v1/systems/QOP/governance/?format=yaml").content.decode() == exported_yaml()


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, */*;q=0.5"])
def test_governance_endpoint_answers_json_to_a_client_that_accepts_it(demo, accept):
    # What a generated client sends (or nothing at all): it must get the JSON it parses.
    response = APIClient().get("/api/v1/systems/QOP/governance/", headers={"accept": accept} if accept else {})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'inline; filename="QOP.json"'
    assert response.json() == json.loads(json.dumps(write.governance_file(root()), default=str))


@pytest.mark.parametrize("code", ["NOPE", "qop-board", "00T", "a\x00b", "%", "x" * 300])
def test_only_systems_have_a_governance_file(demo, code):
    response = APIClient().get(f"/api/v1/systems/{code}/governance/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_unknown_format_is_a_404_not_a_500(demo):
    assert APIClient().get("/api/v1/systems/QOP/governance/", {"format": "xml"}).status_code == 404


def test_unknown_holders_portfolio_terms_and_provenance_round_trip(demo, tmp_path):
    qop = root()
    Organisation.objects.filter(pk=qop.pk).update(
        governance_source="https://example.org/qop-board", verified_on=D(2026, 11, 3)
    )
    Seat.objects.filter(label="Chief finance officer").update(holders_recorded=False)
    Appointment.objects.filter(seat__label="Chief finance officer").delete()
    Appointment.objects.filter(person__name="Illustrative Chair").update(term_ends=D(2027, 6, 30))

    data = write.governance_file(root())
    text = exported_yaml()

    assert data["system"]["source"] == "https://example.org/qop-board" and data["system"]["verified"] == D(2026, 11, 3)
    finance = next(s for s in data["seats"] if s["label"] == "Chief finance officer")
    assert (finance["holders"], finance["portfolio"]) == ("unknown", "finance")
    assert "holders: unknown" in text
    chair = next(s for s in data["seats"] if s["board"] == "qop-board" and s["label"] == "Chair")
    assert chair["holders"][0]["term_ends"] == D(2027, 6, 30)
    assert writes_while(lambda: load_text(tmp_path, text)) == []
    empty_database()
    load_text(tmp_path, text)
    assert exported_yaml() == text
    assert Seat.objects.get(label="Chief finance officer").holders_recorded is False
