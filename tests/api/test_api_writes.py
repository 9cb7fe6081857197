"""Writes through the API: seats, appointments and moves; who may make them, and the rules that refuse them."""

import functools
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from governance.caching import versioning
from governance.domain import dates, tree_check
from governance.models import CODE_PATTERN, Appointment, Organisation, Person, Seat
from tests import builders
from tests.builders import API, D, appoint, commit_now, org
from tests.concurrent import in_threads, raised

# Fixtures shared with the read tests (assigned, not imported, so that test arguments may name them).
client, gm = builders.api_client, builders.api_system

pytestmark = pytest.mark.django_db


def as_user(username: str, *, superuser: bool = False, systems=()) -> APIClient:
    """An API client sending ``username``'s token; the user edits ``systems`` (through grant_system)."""
    user = User.objects.create_superuser(username, password=None) if superuser else User.objects.create_user(username)
    if systems:
        call_command("grant_system", username, *systems, stdout=io.StringIO())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


@pytest.fixture
def alice(gm):
    """An editor of QOP (Greater Manchester)."""
    return as_user("alice", systems=["QOP"])


@pytest.fixture
def bob(gm):
    """An editor of QAA only."""
    return as_user("bob", systems=["QAA"])


@pytest.fixture
def root(gm):
    return as_user("root", superuser=True)


def new_appointment(gm, **fields):
    return {"seat": gm["primary_seat"].pk, "person_name": "Illustrative New Holder", "from": "2025-01-01", **fields}


# Who may write ----------------------------------------------------------------------------------------


def writes(gm):
    """Every write endpoint, with a body that an editor of QOP may send."""
    return [
        ("post", "/appointments/", new_appointment(gm)),
        ("patch", f"/appointments/{gm['a'].pk}/", {"source": "https://example.org/b"}),
        ("post", f"/appointments/{gm['a'].pk}/end/", {"date": "2025-01-01"}),
        ("post", "/seats/", {"body": "qop-gp-board", "label": "New seat", "role": "member", "selection": "elected"}),
        ("patch", f"/seats/{gm['partner'].pk}/", {"voting": False}),
        ("post", "/organisations/U00001/move/", {"parent": "QOP"}),
    ]


def test_anonymous_writes_are_401_with_a_challenge(client, gm):
    for method, url, body in writes(gm):
        response = getattr(client, method)(f"{API}{url}", body, format="json")

        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"
        assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_users_without_rights_on_any_system_are_403(gm):
    nobody = as_user("carol")
    for method, url, body in writes(gm):
        response = getattr(nobody, method)(f"{API}{url}", body, format="json")

        assert response.status_code == 403, url
        assert response.json() == {"detail": "You have no rights to edit any system."}


def test_editors_of_another_system_are_403_and_nothing_changes(gm, bob):
    before = list(Appointment.objects.values_list("pk", "end", "source")), list(Seat.objects.values())
    for method, url, body in writes(gm):
        response = getattr(bob, method)(f"{API}{url}", body, format="json")

        assert response.status_code == 403, url
        assert "QOP" in response.json()["detail"], url
    assert (list(Appointment.objects.values_list("pk", "end", "source")), list(Seat.objects.values())) == before
    assert Organisation.objects.get(code="U00001").parent.code == "00T"


def test_editors_and_superusers_may_write_in_their_systems(gm, alice, root):
    for api in (alice, root):
        for method, url, body in writes(gm):
            if api is root and url == "/seats/":
                body = {**body, "label": "Another new seat"}
            if api is root and url == "/appointments/":
                continue  # the seat takes one holder: alice's is there
            response = getattr(api, method)(f"{API}{url}", body, format="json")
            assert response.status_code in (200, 201), (url, response.json())


def test_a_move_needs_rights_on_the_new_parent_too(gm, alice):
    response = alice.post(f"{API}/organisations/U00001/move/", {"parent": "99A"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "You may not edit organisations in QAA."}


def test_session_writes_need_the_csrf_token(gm):
    User.objects.create_superuser("root")
    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(User.objects.get(username="root"))

    response = browser.patch(f"{API}/seats/{gm['partner'].pk}/", {"voting": False}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "url"),
    [("put", "/seats/1/"), ("delete", "/seats/1/"), ("put", "/appointments/1/"), ("delete", "/organisations/QOP/")],
)
def test_no_put_or_delete(root, method, url):
    assert getattr(root, method)(f"{API}{url}", {}, format="json").status_code == 405


# Appointments --------------------------------------------------------------------------------------------


def test_create_an_appointment_by_person_name(gm, alice):
    response = alice.post(f"{API}/appointments/", new_appointment(gm, source="https://example.org/p"), format="json")

    assert response.status_code == 201, response.json()
    body = response.json()
    person = Person.objects.get(name="Illustrative New Holder")
    assert body == {
        "id": body["id"],
        "person": person.pk,
        "person_name": "Illustrative New Holder",
        "seat": gm["primary_seat"].pk,
        "seat_label": "Primary care board representative",
        "body": "qop-provider-board",
        "from": "2025-01-01",
        "to": None,
        "term_ends": None,
        "source": "https://example.org/p",
        "acting": False,
    }
    assert Appointment.objects.get(pk=body["id"]).start == D(2025, 1, 1)


def test_create_an_appointment_by_person_id_reuses_the_person(gm, alice):
    person = gm["a"].person
    body = {"seat": gm["primary_seat"].pk, "person": person.pk, "from": "2025-01-01"}
    response = alice.post(f"{API}/appointments/", body, format="json")

    assert response.status_code == 201
    assert Appointment.objects.filter(person=person).count() == 2
    again = alice.post(f"{API}/appointments/", new_appointment(gm, person_name=person.name, seat=gm["gp_seat"].pk))
    assert again.status_code == 201 and again.json()["person"] == person.pk  # matched by name, as the loader does


@pytest.mark.parametrize(
    ("fields", "key", "fragment"),
    [
        ({"seat": "bolton"}, "seat", "Incorrect type"),
        ({"to": "2024-12-31"}, "non_field_errors", "ends (2024-12-31) before it starts (2025-01-01)"),
        ({"from": "01/02/2025"}, "from", "YYYY-MM-DD"),
        ({"from": "20250101"}, "from", "YYYY-MM-DD"),
        ({"to": "9999-12-31"}, "to", "Give a date from 1948-07-05 to 2100-12-31."),
        ({"from": None}, "from", "null"),
        ({"person_name": ""}, "person_name", "blank"),
        ({"seat": 99999999}, "seat", "does not exist"),
        ({"colour": "red"}, "colour", "Unknown field."),
        # A JSON value of another type than the schema gives (DRF alone would take them).
        ({"source": 0}, "source", "Not a valid string."),
        ({"seat": True}, "seat", "Incorrect type"),
        ({"person_name": ["A", "B"]}, "person_name", "Not a valid string."),
    ],
)
def test_refused_appointments_are_400s_naming_the_field(gm, alice, fields, key, fragment):
    response = alice.post(f"{API}/appointments/", new_appointment(gm, **fields), format="json")

    assert response.status_code == 400, response.json()
    assert fragment in " ".join(response.json()[key])


def test_the_schema_of_each_write_says_what_it_refuses(client):
    components = client.get("/api/schema/", {"format": "json"}).json()["components"]["schemas"]
    writes = [
        "AppointmentCreate",
        "PatchedAppointmentUpdate",
        "EndAppointment",
        "SeatCreate",
        "PatchedSeatUpdate",
        "Move",
    ]

    assert all(components[name]["additionalProperties"] is False for name in writes)  # "Unknown field."
    assert components["AppointmentCreate"]["oneOf"] == [{"required": ["person"]}, {"required": ["person_name"]}]
    assert components["SeatCreate"]["properties"]["body"]["pattern"] == CODE_PATTERN
    assert re.fullmatch(components["SeatCreate"]["properties"]["label"]["pattern"], "Bolton representative")
    assert not re.fullmatch(components["SeatCreate"]["properties"]["label"]["pattern"], "  ")
    assert components["AppointmentCreate"]["properties"]["from"]["pattern"] == dates.RANGE_PATTERN


def test_a_person_is_given_by_id_or_by_name_not_both(gm, alice):
    both = alice.post(f"{API}/appointments/", new_appointment(gm, person=gm["a"].person_id), format="json")
    body = new_appointment(gm)
    del body["person_name"]
    neither = alice.post(f"{API}/appointments/", body, format="json")

    assert both.status_code == neither.status_code == 400
    assert both.json() == neither.json() == {"person": ["Give either person (an id) or person_name."]}


def test_a_seat_takes_no_more_holders_than_it_has_places(gm, alice):
    # Held since 2023 by one person; it takes one.
    response = alice.post(f"{API}/appointments/", new_appointment(gm, seat=gm["bolton_seat"].pk), format="json")

    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["2 people would hold this seat at once; it takes 1."]}
    assert gm["bolton_seat"].appointments.count() == 1


def test_a_person_may_not_hold_the_same_seat_twice_at_once(gm, alice):
    Seat.objects.filter(pk=gm["bolton_seat"].pk).update(max_holders=3)
    body = {"seat": gm["bolton_seat"].pk, "person": gm["a"].person_id, "from": "2024-01-01"}

    response = alice.post(f"{API}/appointments/", body, format="json")

    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Illustrative Holder A has overlapping appointments to the same seat."]
    }


def test_namesakes_must_be_told_apart_by_id(gm, alice):
    Person.objects.create(name="Illustrative Holder A")

    response = alice.post(f"{API}/appointments/", new_appointment(gm, person_name="Illustrative Holder A"))

    assert response.status_code == 400
    assert "give `person` (an id)" in response.json()["person_name"][0]


def test_change_an_appointment(gm, alice):
    url = f"{API}/appointments/{gm['a'].pk}/"

    response = alice.patch(url, {"to": "2025-03-31", "source": ""}, format="json")

    assert response.status_code == 200
    assert response.json()["to"] == "2025-03-31" and response.json()["source"] == ""
    refused = alice.patch(url, {"from": "2025-04-01"}, format="json")
    assert refused.status_code == 400
    assert "ends (2025-03-31) before it starts (2025-04-01)" in refused.json()["non_field_errors"][0]
    fixed = alice.patch(url, {"seat": gm["gp_seat"].pk, "person": 1}, format="json")
    assert fixed.status_code == 400
    assert set(fixed.json()) == {"seat", "person"}
    assert alice.patch(f"{API}/appointments/999999/", {"to": None}, format="json").status_code == 404


def test_end_an_appointment(gm, alice):
    url = f"{API}/appointments/{gm['a'].pk}/end/"

    response = alice.post(url, {"date": "2025-06-30"}, format="json")

    assert response.status_code == 200 and response.json()["to"] == "2025-06-30"
    assert alice.post(url, {"date": "2025-06-30"}, format="json").status_code == 200  # again: no change
    later = alice.post(url, {"date": "2025-07-31"}, format="json")
    assert later.status_code == 400
    assert later.json() == {"date": ["This appointment already ended on 2025-06-30."]}
    earlier = alice.post(url, {"date": "2025-01-31"}, format="json")  # ending it earlier is allowed
    assert earlier.status_code == 200 and earlier.json()["to"] == "2025-01-31"
    before_start = alice.post(url, {"date": "2020-01-01"}, format="json")
    assert before_start.status_code == 400 and "before the appointment starts" in before_start.json()["date"][0]


def test_end_defaults_to_today(gm, alice):
    response = alice.post(f"{API}/appointments/{gm['a'].pk}/end/")

    assert response.status_code == 200
    assert response.json()["to"] == timezone.localdate().isoformat()


# Seats -----------------------------------------------------------------------------------------------------


def test_create_a_seat(gm, alice):
    body = {
        "body": "qop-gp-board",
        "label": "Bury locality representative",
        "role": "representative",
        "selection": "elected",
        "represents": "00T",
        "delegate": True,
        "max_holders": 2,
    }

    response = alice.post(f"{API}/seats/", body, format="json")

    assert response.status_code == 201, response.json()
    created = Seat.objects.get(label="Bury locality representative")
    assert response["Location"] == f"http://testserver{API}/seats/{created.pk}/"
    assert response.json() | {"id": None, "url": None} == {
        "id": None,
        "url": None,
        "body": "qop-gp-board",
        "label": "Bury locality representative",
        "role": "representative",
        "sector": "",
        "represents": "00T",
        "selection": "elected",
        "delegate": True,
        "voting": True,
        "max_holders": 2,
        "portfolio": "",
        "holders_recorded": True,
        "mental_health": False,
    }


@pytest.mark.parametrize(
    ("fields", "key", "fragment"),
    [
        ({"body": "00T"}, "body", "00T is a place; seats belong on a board, committee or ICP."),
        ({"represents": "P00002"}, "represents", "cannot represent P00002: it is in another system"),
        ({"represents": "00T", "sector": "general_practice"}, "sector", "not both"),
        ({"label": "Bolton locality representative"}, "label", "qop-gp-board already has a seat labelled"),
        ({"body": "NOPE"}, "body", "No organisation has the code 'NOPE'."),
        ({"role": "emperor"}, "role", "not a valid choice"),
        ({"max_holders": 0}, "max_holders", "greater than or equal to 1"),
        ({"label": "x" * 201}, "label", "no more than 200"),
        ({"label": "a\x00b"}, "label", "Null characters"),
        ({"id": 5}, "id", "Unknown field."),
        ({"label": "   "}, "label", "blank"),
        ({"voting": "true"}, "voting", "Must be a valid boolean."),
        ({"max_holders": "2"}, "max_holders", "A valid integer is required."),
        ({"max_holders": 2.0}, "max_holders", "A valid integer is required."),
    ],
)
def test_refused_seats_are_400s_naming_the_field(gm, alice, fields, key, fragment):
    body = {"body": "qop-gp-board", "label": "New seat", "role": "member", "selection": "elected", **fields}

    response = alice.post(f"{API}/seats/", body, format="json")

    assert response.status_code == 400, response.json()
    assert fragment in " ".join(response.json()[key])
    assert not Seat.objects.filter(label="New seat").exists()


def test_change_a_seat(gm, alice):
    url = f"{API}/seats/{gm['bolton_seat'].pk}/"

    response = alice.patch(url, {"label": "Bolton representative", "voting": False}, format="json")

    assert response.status_code == 200
    assert response.json()["label"] == "Bolton representative" and response.json()["voting"] is False
    seat_now = Seat.objects.get(pk=gm["bolton_seat"].pk)
    assert (seat_now.label, seat_now.voting, seat_now.represents.code) == ("Bolton representative", False, "00T")


def test_seat_changes_are_checked_against_its_holders_and_system(gm, alice):
    url = f"{API}/seats/{gm['bolton_seat'].pk}/"
    appoint(Seat.objects.get(pk=gm["bolton_seat"].pk), "Illustrative Second", D(2024, 1, 1))  # builders skip rules
    Seat.objects.filter(pk=gm["bolton_seat"].pk).update(max_holders=2)

    fewer = alice.patch(url, {"max_holders": 1}, format="json")
    elsewhere = alice.patch(url, {"represents": "99A"}, format="json")
    both = alice.patch(url, {"sector": "general_practice"}, format="json")
    body = alice.patch(url, {"body": "qop-board"}, format="json")

    assert fewer.status_code == 400 and fewer.json() == {
        "max_holders": ["2 people would hold this seat at once; it takes 1."]
    }
    assert elsewhere.status_code == 400 and "another system" in elsewhere.json()["represents"][0]
    assert both.status_code == 400 and "not both" in both.json()["sector"][0]
    assert body.status_code == 400 and "stays on its body" in body.json()["body"][0]
    assert alice.patch(url, {"sector": "general_practice", "represents": None}, format="json").status_code == 200


# Moves -----------------------------------------------------------------------------------------------------


def test_move_through_the_tree_service(gm, alice):
    place = org("00V", "place", gm["icb"], name="Bury")

    response = alice.post(f"{API}/organisations/U00001/move/", {"parent": "00V"}, format="json")

    assert response.status_code == 200
    assert response.json()["parent"] == "00V"
    assert [a["code"] for a in response.json()["ancestors"]] == ["QOP", "00V"]
    assert list(Organisation.objects.get(code="P00001").get_ancestors().values_list("code", flat=True)) == [
        "QOP",
        "00V",
        "U00001",
    ]
    assert place.get_descendant_count() == 0  # the instance is stale; the database is the truth
    assert tree_check.diagnose().ok


@pytest.mark.parametrize(
    ("code", "parent", "fragment"),
    [
        ("00T", "P00001", "Moving 00T under P00001 would make a cycle."),
        ("00T", "00T", "would make a cycle"),
        ("U00001", "qop-gp-board", "cannot sit under a board"),
        ("QOP", "00T", "is the root of its system"),
        ("U00001", "NOPE", "No organisation has the code 'NOPE'."),
        ("U00001", "a\x00b", "Not an organisation code."),
    ],
)
def test_refused_moves_are_400s_and_leave_the_tree_whole(gm, root, code, parent, fragment):
    response = root.post(f"{API}/organisations/{code}/move/", {"parent": parent}, format="json")

    assert response.status_code == 400
    assert fragment in " ".join(response.json()["parent"])
    assert tree_check.diagnose().ok


def test_moves_stay_within_a_system(gm, root):
    response = root.post(f"{API}/organisations/U00001/move/", {"parent": "99A"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"parent": ["99A is in another system; moves stay within a system."]}


def test_move_of_an_unknown_organisation_is_a_404(gm, root):
    assert root.post(f"{API}/organisations/NOPE/move/", {"parent": "QOP"}, format="json").status_code == 404


# Every write bumps the data version ---------------------------------------------------------------------


def test_each_write_bumps_the_data_version_once(gm, alice):
    commit_now()  # the fixture's own writes
    for method, url, body in writes(gm):
        before = versioning.current().counter
        response = getattr(alice, method)(f"{API}{url}", body, format="json")
        commit_now()
        assert response.status_code in (200, 201), url
        assert versioning.current().counter == before + 1, url


def test_refused_writes_bump_nothing(gm, alice):
    commit_now()
    before = versioning.current()
    response = alice.post(f"{API}/appointments/", new_appointment(gm, seat=gm["bolton_seat"].pk))
    commit_now()
    assert response.status_code == 400
    assert versioning.current() == before


# No input makes a 500 -------------------------------------------------------------------------------------

WEIRD = ["", "abc", -1, 0, 2**70, "2023-02-30", "9999-12-31", "a\x00b", "%", None, True, [], {}, "x" * 600, 1.5]


def test_no_write_input_makes_a_500(gm, root):
    targets = [
        ("post", "/appointments/", new_appointment(gm)),
        ("patch", f"/appointments/{gm['a'].pk}/", {"from": "2023-04-01", "to": None, "source": ""}),
        ("post", f"/appointments/{gm['a'].pk}/end/", {"date": "2030-01-01"}),
        ("post", "/seats/", {"body": "qop-gp-board", "label": "W", "role": "member", "selection": "elected"}),
        ("patch", f"/seats/{gm['partner'].pk}/", {"label": "P", "max_holders": 1, "represents": None}),
        ("post", "/organisations/P00001/move/", {"parent": "U00001"}),
    ]
    for method, url, body in targets:
        for name in body:
            for value in WEIRD:
                response = getattr(root, method)(f"{API}{url}", {**body, name: value}, format="json")
                assert response.status_code < 500, (url, name, value)
                assert response["Content-Type"] == "application/json", (url, name, value)
        for raw in ("[1, 2]", '"text"', "{not json", "null", "1e999"):
            response = getattr(root, method)(f"{API}{url}", raw, content_type="application/json")
            assert response.status_code == 400, (url, raw)


# Concurrent writes -------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_appointments_to_one_seat_take_turns():
    """Eight clients fill a one-holder seat at once: the seat's row lock lets exactly one in."""
    icb = org("QOP", "icb")
    board = org("qop-board", "board", icb)
    empty = Seat.objects.create(body=board, label="Chair", role="chair", selection="appointed")
    api = as_user("root", superuser=True)
    version = versioning.current().counter

    def appoint_one(n: int):
        body = {"seat": empty.pk, "person_name": f"Illustrative Chair {n}", "from": "2025-01-01"}
        return api.post(f"{API}/appointments/", body, format="json").status_code

    statuses = in_threads(*(functools.partial(appoint_one, n) for n in range(8)))

    assert raised(statuses) == []
    assert sorted(statuses) == [201] + [400] * 7
    assert empty.appointments.count() == 1 and Person.objects.count() == 1  # the refused rolled back their people
    assert versioning.current().counter == version + 1  # one bump, for the one write that committed


# Holders not recorded, portfolios, terms ------------------------------------------------------------------


def test_a_seat_keeps_holders_not_recorded_only_without_appointments(gm, alice):
    held = f"{API}/seats/{gm['bolton_seat'].pk}/"
    empty = f"{API}/seats/{gm['primary_seat'].pk}/"  # vacant: nobody was ever appointed

    refused = alice.patch(held, {"holders_recorded": False}, format="json")
    accepted = alice.patch(empty, {"holders_recorded": False}, format="json")

    assert refused.status_code == 400 and "holders are not recorded" in refused.json()["holders_recorded"][0]
    assert Seat.objects.get(pk=gm["bolton_seat"].pk).holders_recorded is True
    assert accepted.status_code == 200 and accepted.json()["holders_recorded"] is False
    assert alice.get(empty).json()["holders_recorded"] is False
    appointing = alice.post(f"{API}/appointments/", new_appointment(gm), format="json")
    assert appointing.status_code == 400 and "holders are not recorded" in appointing.json()["seat"][0]


def test_a_seat_is_created_with_a_portfolio_and_holders_not_recorded(gm, alice):
    body = {"body": "qop-board", "label": "Director of finance", "role": "executive", "selection": "appointed"}

    response = alice.post(f"{API}/seats/", {**body, "portfolio": "finance", "holders_recorded": False}, format="json")
    on_a_chair = alice.post(f"{API}/seats/", {**body, "label": "Chair", "role": "chair", "portfolio": "finance"})

    assert response.status_code == 201, response.json()
    assert (response.json()["portfolio"], response.json()["holders_recorded"]) == ("finance", False)
    assert on_a_chair.status_code == 400 and "Only executive seats" in on_a_chair.json()["portfolio"][0]


def test_an_appointment_keeps_the_day_its_term_is_due_to_end(gm, alice):
    url = f"{API}/appointments/{gm['a'].pk}/"

    response = alice.patch(url, {"term_ends": "2027-03-31"}, format="json")
    too_early = alice.patch(url, {"term_ends": "2020-01-01"}, format="json")

    assert response.status_code == 200 and response.json()["term_ends"] == "2027-03-31"
    assert too_early.status_code == 400 and "before the appointment starts" in too_early.json()["term_ends"][0]
    assert Appointment.objects.get(pk=gm["a"].pk).term_ends == D(2027, 3, 31)
