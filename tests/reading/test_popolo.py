"""Popolo JSON of a system's governance (governance.reading.popolo), and its API endpoint. The other
export, the governance file, is tested in governance_file/test_write.py."""

import json

import pytest
from rest_framework.test import APIClient

from governance import governance_file as loading
from governance.models import Appointment, Organisation
from governance.reading import popolo
from tests.builders import ILLUSTRATIVE_QOP, appoint, mixed_system, org, seat

pytestmark = pytest.mark.django_db


def root(code: str = "QOP") -> Organisation:
    return Organisation.objects.get(code=code, parent__isnull=True)


@pytest.fixture
def demo():
    loading.load_governance([ILLUSTRATIVE_QOP])


def test_popolo_has_organizations_posts_persons_and_memberships():
    mixed_system()

    data = popolo.popolo(root("QZZ"))

    assert set(data) == {"organizations", "posts", "persons", "memberships"}
    by_id = {o["id"]: o for o in data["organizations"]}
    assert by_id["QZZ"] == {"id": "QZZ", "name": "Test ICB", "classification": "icb", "parent_id": None}
    assert by_id["P99002"]["dissolution_date"] == "2024-03-31" and by_id["P99002"]["parent_id"] == "U99001"
    assert by_id["123"]["founding_date"] == "2023-04-01"
    assert len(by_id) == Organisation.objects.filter(tree_id=root("QZZ").tree_id).count()  # the whole tree
    chair = next(p for p in data["posts"] if p["label"] == "Chair")
    assert chair["organization_id"] == "qzz-board" and chair["role"] == "chair"
    reps = next(p for p in data["posts"] if p["label"] == "PCN representatives")
    assert reps["extras"]["represents_id"] == "U99001" and reps["extras"]["max_holders"] == 2
    assert [p["name"] for p in data["persons"]] == [
        "Illustrative Chair",
        "Illustrative Chair: the second",
        "Null",
        "Zoë O'Brien",
    ]
    person = {p["id"]: p["name"] for p in data["persons"]}
    chairs = [m for m in data["memberships"] if m["post_id"] == chair["id"]]
    assert [(person[m["person_id"]], m["start_date"], m.get("end_date")) for m in chairs] == [
        ("Illustrative Chair", "2022-07-01", "2024-03-31"),
        ("Illustrative Chair: the second", "2024-04-01", None),
    ]
    assert chairs[0]["sources"] == [{"note": "Board papers, July 2022"}]
    assert chairs[1]["sources"] == [{"url": "https://example.org/papers"}]
    assert chairs[0]["organization_id"] == "qzz-board" and chairs[0]["role"] == "chair"
    assert {m["id"] for m in data["memberships"]} == {f"appointment-{a.pk}" for a in Appointment.objects.all()}


def test_popolo_queries_are_bounded(django_assert_max_num_queries):
    mixed_system()
    system = root("QZZ")
    pcn = Organisation.objects.get(code="U99001")
    for n in range(30):
        appoint(seat(org(f"extra-{n}", "board", pcn), "Member"), f"Illustrative Member {n}")
    with django_assert_max_num_queries(3):
        data = popolo.popolo(system)
    assert len(data["memberships"]) == 34


# The endpoint -----------------------------------------------------------------------------------


def test_popolo_endpoint(demo, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        response = APIClient().get("/api/v1/systems/QOP/popolo/")

    assert response.status_code == 200
    assert response.json() == json.loads(json.dumps(popolo.popolo(root())))


@pytest.mark.parametrize("code", ["NOPE", "qop-board", "00T", "a\x00b", "%", "x" * 300])
def test_only_systems_have_popolo(demo, code):
    response = APIClient().get(f"/api/v1/systems/{code}/popolo/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()
