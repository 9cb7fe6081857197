"""The path JSON's ``route`` in the API (DESIGN.md, "Routes"): one path, bulk paths, CSV and the schema."""

import csv
import io

import pytest

from governance.reading.paths import representation_path
from tests.builders import API, D, board_only, greater_manchester, org

pytestmark = pytest.mark.django_db

ON = "2026-06-01"


@pytest.fixture
def systems():
    """A practice that reaches (P00001), one whose recorded chain breaks (P00021), one with no route recorded."""
    gm = greater_manchester(complete=True)
    org("P00021", "practice", org("U00021", "pcn", org("02H", "place", gm["icb"], name="Wigan")))
    board_only()


@pytest.mark.parametrize(
    ("code", "route", "reaches_top"),
    [("P00001", "reaches", True), ("P00021", "broken", False), ("G82001", "not_recorded", False)],
)
def test_the_path_says_its_route(client, systems, code, route, reaches_top):
    path = client.get(f"{API}/organisations/{code}/path/", {"date": ON}).json()

    assert (path["route"], path["reaches_top"]) == (route, reaches_top)
    assert path == representation_path(code, D(2026, 6, 1))


def test_bulk_paths_say_each_route(client, systems):
    answer = client.get(f"{API}/paths/", {"codes": "P00001,P00021,G82001", "date": ON}).json()
    paths = answer["results"] if isinstance(answer, dict) else answer

    assert [(p["organisation"]["code"], p["route"]) for p in paths] == [
        ("P00001", "reaches"),
        ("P00021", "broken"),
        ("G82001", "not_recorded"),
    ]


def test_csv_paths_carry_the_route_on_every_row(client, systems):
    response = client.get(f"{API}/organisations/G82001/path/", {"date": ON, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))

    assert rows and {row["route"] for row in rows} == {"not_recorded"}
    assert list(rows[0])[:5] == ["organisation", "date", "reaches_top", "route", "complete"]


def test_the_schema_names_the_three_routes(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()

    assert schema["components"]["schemas"]["RouteEnum"]["enum"] == ["reaches", "broken", "not_recorded"]
