"""Interlocks across systems (issue 15): one person holding seats in more than one system, on the page and API."""

import re

import pytest

from governance.models import Person
from governance.reading.people import current_interlocks, person_record
from tests.builders import D, appoint, greater_manchester, org, seat

pytestmark = pytest.mark.django_db

DATE = D(2026, 1, 1)


@pytest.fixture
def two_systems():
    gm = greater_manchester(complete=True)
    qaa = org("QAA", "icb", name="System A ICB")
    board = org("qaa-board", "board", qaa, name="System A board")
    member = seat(board, "Alpha place member", represents=org("00A", "place", qaa, name="Alpha place"))
    appoint(member, "Illustrative Holder C", D(2024, 1, 1))  # also on GM's provider board
    return gm


def test_a_person_in_two_systems_is_called_out(two_systems):
    person = Person.objects.get(name="Illustrative Holder C")
    [systems] = [i for i in person_record(person, DATE)["interlocks"] if i["kind"] == "systems"]

    assert [s["system"]["code"] for s in systems["systems"]] == ["QOP", "QAA"]  # by name
    assert systems["systems"][1]["bodies"] == [{"code": "qaa-board", "name": "System A board"}]


def test_no_systems_interlock_for_one_system_or_before_the_second_seat(two_systems):
    one = Person.objects.get(name="Illustrative Holder A")
    assert all(i["kind"] != "systems" for i in person_record(one, DATE)["interlocks"])
    both = Person.objects.get(name="Illustrative Holder C")
    assert current_interlocks(both, D(2023, 12, 31)) == []  # the System A seat starts in 2024


def test_person_page_and_api_call_it_out(client, two_systems):
    person = Person.objects.get(name="Illustrative Holder C")
    html = client.get(f"/people/{person.pk}/", {"date": DATE.isoformat()}).content.decode()
    words = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert (
        "Holds seats in 2 systems: NHS Greater Manchester ICB ( Provider board ); System A ICB ( System A board )"
        in words
    )

    detail = client.get(f"/api/v1/people/{person.pk}/").json()
    assert [i["kind"] for i in detail["interlocks"]] == ["systems"]
    assert [s["system"]["code"] for s in detail["interlocks"][0]["systems"]] == ["QOP", "QAA"]


def test_a_person_at_two_layers_of_one_path_is_in_the_api_too(client):
    gm = greater_manchester(complete=True)
    appoint(seat(gm["board"], "Non-executive member", role="non_executive", selection="appointed"),
            "Illustrative Holder C", D(2023, 4, 1))  # fmt: skip
    org("QZZ", "icb")  # another system, where they hold nothing
    person = Person.objects.get(name="Illustrative Holder C")
    kinds = [i["kind"] for i in client.get(f"/api/v1/people/{person.pk}/").json()["interlocks"]]
    assert kinds == ["system", "path"]
