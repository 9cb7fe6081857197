"""The API in time: an organisation's successors and predecessors, lists by date, and their schema."""

import pytest

from tests import builders
from tests.builders import API, BAD_DATES, ICBS_LAST_DAY, SUCCESSIONS_DAY, codes, essex_successions, icb, succession

pytestmark = pytest.mark.django_db

# The API tests' fixtures (assigned, not imported, so that test arguments may name them).
client = builders.api_client


@pytest.fixture
def essex():
    """NHS Essex (new) took over NHS Mid and South Essex (merger) and part of a divided neighbour (split)."""
    s = essex_successions()
    s["qjg"] = icb("QJG", "NHS Suffolk and North East Essex", closed=ICBS_LAST_DAY)
    s["norfolk"] = icb("T6Y0W", "NHS Norfolk and Suffolk", opened=SUCCESSIONS_DAY)
    succession(s["qjg"], s["essex"], SUCCESSIONS_DAY, "split")
    succession(s["qjg"], s["norfolk"], SUCCESSIONS_DAY, "split")
    return s


def test_a_closed_icb_names_its_successors_with_date_and_type(client, essex):
    closed = client.get(f"{API}/organisations/QJG/").json()

    assert closed["closed"] == "2026-03-31"
    assert closed["successors"] == [
        {"code": "D7T5G", "name": "NHS Essex", "date": "2026-04-01", "type": "split"},
        {"code": "T6Y0W", "name": "NHS Norfolk and Suffolk", "date": "2026-04-01", "type": "split"},
    ]
    assert closed["predecessors"] == []
    merged = client.get(f"{API}/organisations/QH8/").json()
    assert merged["successors"] == [{"code": "D7T5G", "name": "NHS Essex", "date": "2026-04-01", "type": "merger"}]


def test_a_new_icb_names_its_predecessors(client, essex):
    new = client.get(f"{API}/organisations/D7T5G/").json()

    assert new["opened"] == "2026-04-01" and new["successors"] == []
    assert new["predecessors"] == [
        {"code": "QH8", "name": "NHS Mid and South Essex", "date": "2026-04-01", "type": "merger"},
        {"code": "QJG", "name": "NHS Suffolk and North East Essex", "date": "2026-04-01", "type": "split"},
    ]


def test_an_organisation_without_successions_has_empty_lists(client, essex):
    practice = client.get(f"{API}/organisations/F81001/").json()

    assert practice["successors"] == [] and practice["predecessors"] == []


def test_detail_with_successions_stays_within_its_queries(client, essex, django_assert_max_num_queries):
    # the data version, the organisation, both lineages; ancestors and children from England's
    # structure (five queries, once per data version, its names among them); an ICB's clusters (one); its
    # registered patients and its region's (two)
    with django_assert_max_num_queries(11) as counted:
        assert client.get(f"{API}/organisations/D7T5G/").status_code == 200
    assert sum("succession" in q["sql"] for q in counted.captured_queries) == 1


@pytest.mark.parametrize(
    ("day", "expected"),
    [("2026-03-31", ["QH8", "QJG", "QUE"]), ("2026-04-01", ["D7T5G", "QUE", "T6Y0W"]), ("2022-06-30", [])],
)
def test_the_icbs_open_on_a_date(client, essex, day, expected):
    response = client.get(f"{API}/organisations/", {"kind": "icb", "active_on": day})

    assert response.status_code == 200 and codes(response) == expected


@pytest.mark.parametrize("bad", BAD_DATES)
def test_a_bad_active_on_is_a_400_naming_it(client, essex, bad):
    response = client.get(f"{API}/organisations/", {"kind": "icb", "active_on": bad})

    assert response.status_code == 400
    assert list(response.json()) == ["active_on"] and bad in response.json()["active_on"][0]


def test_the_schema_documents_successors_and_predecessors(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    detail = schema["components"]["schemas"]["OrganisationDetail"]
    for side in ("successors", "predecessors"):
        assert detail["properties"][side]["type"] == "array"
        assert detail["properties"][side]["items"]["$ref"] == "#/components/schemas/Succession"
        assert side in detail["required"]
    succession_schema = schema["components"]["schemas"]["Succession"]
    assert set(succession_schema["properties"]) == {"code", "name", "date", "type"}
    assert succession_schema["properties"]["date"]["format"] == "date"
    assert succession_schema["properties"]["type"]["$ref"] == "#/components/schemas/SuccessionTypeEnum"
    assert schema["components"]["schemas"]["SuccessionTypeEnum"]["enum"] == ["merger", "split", "acquisition"]
