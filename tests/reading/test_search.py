"""Search finds what is typed (issue 15): postcodes by sector else district, names by closeness then kind.

The names, codes and postcodes below are copied from the ODS files the project ships
(fixtures/ods: the 2025 ePCN and epraccur, the 2022 lookup), so the cases are the real ones
an LMC officer meets; the LMC is the demo's (tests/data/governance/illustrative_qop.yaml).
"""

import pytest

from governance.caching import versioning
from governance.models import Organisation
from governance.reading import search
from tests.builders import D, org

pytestmark = pytest.mark.django_db

DATE = D(2026, 11, 22)
API = "/api/v1"


@pytest.fixture
def england():
    kent = org("QKS", "icb", name="NHS Kent and Medway Integrated Care Board")
    k_place = org("91Q", "place", kent, name="NHS Kent and Medway ICB - 91Q")
    org("U87442", "pcn", k_place, name="MID KENT PCN")
    org("U67045", "pcn", k_place, name="CARE KENT PCN")
    london = org("QMJ", "icb", name="NHS North Central London Integrated Care Board")
    l_place = org("93C", "place", london, name="NHS North Central London ICB - 93C")
    org("U51577", "pcn", l_place, name="KENTISH TOWN CENTRAL PCN")
    org("U78517", "pcn", l_place, name="KENTISH TOWN SOUTH PCN")
    essex = org("QH8", "icb", name="NHS Mid and South Essex Integrated Care Board", closed=D(2026, 3, 31))
    e_place = org("99G", "place", essex, name="NHS Mid and South Essex ICB - 99G", closed=D(2026, 3, 31))
    org("F81046", "practice", e_place, name="DR KRISHNAN & PTNR - KENT ELMS HC", postcode="SS9 5UU")
    org("D7T5G", "icb", name="NHS Essex Integrated Care Board", opened=D(2026, 4, 1))
    gm = org("QOP", "icb", name="NHS Greater Manchester Integrated Care Board")
    bolton = org("00T", "place", gm, name="Bolton")
    org("qop-lmc", "lmc", gm, name="Greater Manchester Local Medical Committees")
    org("qop-gp-board", "board", gm, name="Greater Manchester General Practice Board")
    pcn = org("U00T01", "pcn", bolton, name="BOLTON CENTRAL PCN")
    org("P82012", "practice", pcn, name="OCTAGON MEDICAL CENTRE", postcode="BL1 1SQ")
    org("P82010", "practice", pcn, name="DALEFIELD SURGERY", postcode="BL1 4JP")
    org("P82022", "practice", pcn, name="DR RIZWAN AND DR AWAN", postcode="BL1 3RG")
    org("P82029", "practice", pcn, name="HALLIWELL SURGERY 2", postcode="BL1 3RG")
    org("P82001", "practice", pcn, name="THE DUNSTAN PARTNERSHIP", postcode="BL2 6NT")


def codes(text: str) -> list[str]:
    return [r["code"] for r in search.search_organisations(text, DATE)[0]]


def test_kent_the_icb_before_kent_pcns_and_never_kentish_town(england):
    # whole words: the ICB, its place, then the PCNs and the practice; "Kent" inside "Kentish" never
    assert codes("Kent") == ["QKS", "91Q", "U67045", "U87442", "F81046"]
    assert codes("kentish town") == ["U51577", "U78517"]  # a prefix, both PCNs
    assert codes("mid kent pcn")[0] == "U87442"  # exact name first, any case


def test_essex_the_open_icb_first_then_the_closed_one(england):
    assert codes("Essex") == ["D7T5G", "QH8", "99G"]


def test_a_full_postcode_finds_its_sector(england):
    results, _ = search.search_organisations("bl1 3rg", DATE)
    assert [r["code"] for r in results] == ["P82022", "P82029"]  # exact postcode, then the sector BL1 3
    summary = search.postcode_summary("bl1 3rg", results)
    assert summary["area"] == "sector" and summary["postcode"].sector == "BL1 3"
    assert summary["systems"] == [
        {"code": "QOP", "name": "NHS Greater Manchester Integrated Care Board", "practices": 2}
    ]


def test_a_postcode_whose_sector_has_no_practice_finds_its_district(england):
    # the search box's own example: no practice's postcode is in BL1 2, so the district BL1
    results, _ = search.search_organisations("BL1 2AA", DATE)
    assert [r["code"] for r in results] == ["P82010", "P82022", "P82029", "P82012"]  # by name
    assert {r["match"] for r in results} == {"postcode_district"}
    assert search.postcode_summary("BL1 2AA", results)["area"] == "district"


@pytest.mark.parametrize("typed", ["BL1", "bl1", " bl1 "])
def test_a_district_finds_its_practices_and_not_the_next_district(england, typed):
    assert sorted(codes(typed)) == ["P82010", "P82012", "P82022", "P82029"]  # BL2 6NT is not in BL1


def test_a_sector_typed_on_its_own(england):
    assert codes("bl1 4") == ["P82010"]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("BL1 2AA", ("BL1 2AA", "BL1 2", "BL1")),
        ("bl12aa", ("BL1 2AA", "BL1 2", "BL1")),
        ("SW1A1AA", ("SW1A 1AA", "SW1A 1", "SW1A")),
        ("bl1 2", (None, "BL1 2", "BL1")),
        ("BL1", (None, None, "BL1")),
        ("P84001", None),  # an ODS code, not a postcode
        ("Kent", None),
    ],
)
def test_typing_rules_for_postcodes(typed, expected):
    postcode = search.read_postcode(typed)
    assert (postcode and (postcode.full, postcode.sector, postcode.district)) == expected


def test_lmc_finds_local_medical_committees_by_kind_and_name(england):
    assert codes("LMC") == ["qop-lmc"]
    assert codes("manchester lmc") == ["qop-lmc"]
    # the ICB whose name has the words first, then names beginning with them (board and LMC, by name)
    assert codes("greater manchester") == ["QOP", "qop-gp-board", "qop-lmc"]


def test_the_api_q_matches_postcodes_and_lmcs(client, england):
    def api_codes(q):
        response = client.get(f"{API}/organisations/", {"q": q})
        assert response.status_code == 200, response.json()
        return sorted(r["code"] for r in response.json()["results"])

    assert api_codes("BL1 2AA") == ["P82010", "P82012", "P82022", "P82029"]
    assert api_codes("bl1 3rg") == ["P82022", "P82029"]
    assert api_codes("LMC") == ["qop-lmc"]
    assert api_codes("kentish") == ["U51577", "U78517"]


def test_the_home_page_says_which_area_and_system_a_postcode_found(client, england):
    html = client.get("/", {"q": "BL1 2AA"}).content.decode()
    assert "No practice has a postcode in sector BL1 2" in html
    assert "district <strong>BL1</strong>" in html
    assert "NHS Greater Manchester Integrated Care Board</a> (4 practices)" in html


# Whole words, the ICB first, LMCs by their usual names (issue 20)


@pytest.fixture
def counties(england):
    essex = Organisation.objects.get(code="D7T5G")
    org("essex-hcp", "icp", essex, name="Essex Health and Care Partnership")
    place = org("99E", "place", essex, name="Basildon and Brentwood")
    pcn = org("U99E01", "pcn", place, name="ESSEX CENTRAL PCN")
    org("F99001", "practice", pcn, name="ESSEX HOUSE SURGERY")
    org("F99002", "practice", pcn, name="HOLMCROFT SURGERY")
    kent = Organisation.objects.get(code="QKS")
    org("lmc-kent", "lmc", kent, name="Kent Local Medical Committee", also_known_as="Kent LMC")
    org("lmc-essex", "lmc", essex, name="North and South Essex Local Medical Committees", also_known_as="Essex LMC")


def test_an_icb_whose_name_matches_comes_before_partnerships_and_practices(counties):
    found = codes("Essex")
    assert found[:2] == ["D7T5G", "QH8"]  # the ICBs, open then closed
    assert found.index("D7T5G") < found.index("essex-hcp") < found.index("F99001")


def test_lmc_is_a_whole_word_and_never_inside_another(counties):
    assert "F99002" not in codes("LMC")  # HOLMCROFT
    assert sorted(codes("LMC")) == ["lmc-essex", "lmc-kent", "qop-lmc"]
    assert codes("holmcroft") == ["F99002"]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("Kent LMC", "lmc-kent"),  # its usual name
        ("kent local medical committee", "lmc-kent"),
        ("Essex LMC", "lmc-essex"),
        ("north and south essex lmcs", "lmc-essex"),  # LMCs as Local Medical Committees
    ],
)
def test_lmcs_are_found_by_their_usual_names(counties, typed, first):
    assert codes(typed)[0] == first


def test_kent_lmc_finds_only_the_kent_lmc(counties):
    assert codes("Kent LMC") == ["lmc-kent"]


def test_search_stays_one_query_beyond_the_structure(counties, django_assert_num_queries):
    version = versioning.current().key
    search.search_organisations("Kent LMC", DATE, version=version)  # England's structure, read once
    for typed in ("Kent", "Kent LMC", "LMC"):
        with django_assert_num_queries(1):
            search.search_organisations(typed, DATE, version=version)
    with django_assert_num_queries(2):  # and one for the successors of a closed ICB found
        search.search_organisations("Essex", DATE, version=version)
