"""API detail's fresh facts (governance/api/serializers/organisations.py, reading/memberships.py): names of
their dates, the parent link with the exactness of its ends and whose word it is (on the path's layers too:
the path JSON, bulk paths, CSV and the command), registered patients; and the same share of registered
patients in the voice summary."""

import csv
import datetime
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command

from governance.models import Link, RegisteredPatients, Relation
from governance.reading.paths import representation_path
from tests.builders import RENAMED_PATIENTS_SOURCE, greater_manchester, link, ods, renamed_essex

pytestmark = pytest.mark.django_db

D = datetime.date
SNAPSHOT_DAY = D(2026, 8, 1)
SOURCE = RENAMED_PATIENTS_SOURCE


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def essex():
    s = renamed_essex(names_source="renames.csv")
    return s


def detail(client, code, **params):
    response = client.get(f"/api/v1/organisations/{code}/", params, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_detail_gives_the_name_of_the_date_and_lists_earlier_names(client, essex):
    before, after = detail(client, "06Q", date="2026-03-31"), detail(client, "06Q", date="2026-04-01")

    assert before["name"] == "NHS Mid and South Essex ICB - 06Q"
    assert after["name"] == "NHS Essex ICB - 06Q"
    assert after["names"] == [
        {"name": "NHS Mid and South Essex ICB - 06Q", "from": None, "to": "2026-03-31", "source": "renames.csv"},
        {"name": "NHS Essex ICB - 06Q", "from": "2026-04-01", "to": None, "source": "renames.csv"},
    ]


def test_a_list_names_each_organisation_by_its_name_of_the_date(client, essex):
    def listed(day):
        response = client.get("/api/v1/organisations/", {"active_on": day}, HTTP_ACCEPT="application/json")
        return {row["code"]: row["name"] for row in response.json()["results"]}

    assert listed("2026-03-31")["06Q"] == "NHS Mid and South Essex ICB - 06Q"
    assert listed("2026-04-01")["06Q"] == "NHS Essex ICB - 06Q"


def test_detail_gives_registered_patients_with_their_date_and_source(client, essex):
    assert detail(client, "06Q")["registered_patients"] == {"count": 426464, "date": "2026-08-01", "source": SOURCE}
    assert detail(client, "F81001")["registered_patients"] is None  # practice counts are not published


@pytest.fixture
def seen_in_snapshot(essex):
    """Maldon Surgery (F81002) left Chelmsford PCN on or before 31 July 2026 (its ePCN file's data date was
    20 January 2025) for Maldon PCN, which the August 2026 snapshot first showed it in (start not exact)."""
    maldon = essex["essex_practices"][1]
    new_pcn = ods("U10003", "pcn", essex["06Q"], name="Maldon PCN")
    link(new_pcn, essex["06Q"], Relation.PCN_SUB_ICB, start=SNAPSHOT_DAY, start_exact=False)
    Link.objects.filter(child=maldon, relation=Relation.PCN_MEMBER).update(
        end=D(2026, 7, 31), end_exact=False, source="ePCN.xlsx (data date 2025-01-20)"
    )
    link(maldon, new_pcn, Relation.PCN_MEMBER, start=SNAPSHOT_DAY, start_exact=False, source="map.zip")
    return essex


SEEN_IN_SNAPSHOT = {
    "parent": {"code": "U10003", "name": "Maldon PCN", "kind": "pcn"},
    "relation": "pcn_member",
    "start": "2026-08-01",
    "start_exact": False,
    "earliest_start": "2025-01-21",
    "end": None,
    "end_exact": True,
    "source": "map.zip",
    "basis": "ods",
    "basis_words": "ODS's word",
}


def test_detail_gives_the_parent_link_of_a_membership_seen_in_a_snapshot(client, seen_in_snapshot):
    now, before = detail(client, "F81002", date="2026-12-02"), detail(client, "F81002", date="2026-07-31")

    assert now["parent_link"] == SEEN_IN_SNAPSHOT
    assert (before["parent_link"]["parent"]["code"], before["parent_link"]["end"]) == ("U10002", "2026-07-31")
    assert before["parent_link"]["end_exact"] is False


def test_every_layer_of_the_path_gives_its_parent_link_as_detail_does(client, seen_in_snapshot):
    path = client.get("/api/v1/organisations/F81002/path/", {"date": "2026-12-02"}).json()

    layers = {layer["organisation"]["code"]: layer["parent_link"] for layer in path["layers"]}
    assert list(layers) == ["F81002", "U10003", "06Q", "D7T5G"]
    assert layers["F81002"] == SEEN_IN_SNAPSHOT
    for code, parent_link in layers.items():  # detail and path: one answer, for every layer
        assert detail(client, code, date="2026-12-02")["parent_link"] == parent_link
    assert (layers["U10003"]["relation"], layers["U10003"]["start_exact"]) == ("pcn_sub_icb", False)
    assert layers["D7T5G"] is None  # an ICB: no link places it


def test_bulk_paths_csv_and_the_command_carry_the_layers_parent_links(client, seen_in_snapshot, capsys):
    [bulk] = client.get("/api/v1/paths/", {"codes": "F81002", "date": "2026-12-02"}).json()["results"]
    table = client.get("/api/v1/paths/", {"codes": "F81002", "date": "2026-12-02", "format": "csv"})
    call_command("representation_path", "F81002", "--date", "2026-12-02", "--json")

    assert bulk["layers"][0]["parent_link"] == SEEN_IN_SNAPSHOT
    assert json.loads(capsys.readouterr().out)["layers"][0]["parent_link"] == SEEN_IN_SNAPSHOT
    first, *_rest, icb = csv.DictReader(io.StringIO(table.content.decode()))
    assert (first["parent_link_parent"], first["parent_link_start"], first["parent_link_start_exact"]) == (
        "U10003",
        "2026-08-01",
        "false",
    )
    assert (first["parent_link_earliest_start"], first["parent_link_basis"]) == ("2025-01-21", "ods")
    assert icb["parent_link_parent"] == icb["parent_link_relation"] == ""


def test_the_paths_parent_links_cost_no_query(seen_in_snapshot, django_assert_num_queries):
    with django_assert_num_queries(6):  # the organisation, then England's structure in five
        first = representation_path("F81002", D(2026, 12, 2), version="v1")
    with django_assert_num_queries(0):
        again = representation_path("F81002", D(2026, 12, 2), version="v1")

    assert first == again and first["layers"][0]["parent_link"] == SEEN_IN_SNAPSHOT


def test_the_voice_summary_counts_registered_patients_by_pcn(client):
    greater_manchester(complete=True)
    RegisteredPatients.objects.create(code="U00001", unit_type="PCN", count=41000, date=SNAPSHOT_DAY, source=SOURCE)

    response = client.get("/api/v1/systems/QOP/summary/", HTTP_ACCEPT="application/json")

    patients = response.json()["patients"]
    assert patients["counted_by"] == "pcn"
    assert (patients["total"], patients["routes"]["reaches"], patients["share_reaching_top"]) == (41000, 41000, 1.0)
    assert patients["date"] == "2026-08-01"
