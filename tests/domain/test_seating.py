"""Seat and appointment writes (governance.domain.seating): the rules they keep, the locks they take,
and that the admin, the API and the governance-file loader all go through them."""

import functools
import threading
import time

import pytest
import yaml
from django.contrib.auth.models import User
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from governance import governance_file as loading
from governance.domain import rules, seating
from governance.models import Appointment, Organisation, Person, Seat
from tests.builders import D, appoint, org, seat
from tests.concurrent import in_threads, raised

pytestmark = pytest.mark.django_db

TOO_MANY = "2 people would hold this seat at once; it takes 1."
OVERLAP = "Illustrative Holder A has overlapping appointments to the same seat."


@pytest.fixture
def chair():
    """A one-holder seat on QAA's board, held by Illustrative Holder A since 2023-04-01."""
    qaa = org("QAA", "icb", name="System A ICB")
    board = org("qaa-board", "board", qaa, name="System A board")
    held = seat(board, "Chair", role="chair", selection="appointed")
    appoint(held, "Illustrative Holder A", D(2023, 4, 1))
    return held


def holding(seat: Seat) -> list[tuple[str, D, D | None]]:
    return list(seat.appointments.order_by("start").values_list("person__name", "start", "end"))


# --- the rules, kept under the seat's lock ------------------------------------------------------------


def test_refuses_more_current_holders_than_the_seat_takes_and_writes_nothing(chair):
    with pytest.raises(rules.RuleError, match=TOO_MANY):
        seating.create_appointment(seat=chair, person_name="Illustrative Holder B", start=D(2025, 1, 1))

    assert holding(chair) == [("Illustrative Holder A", D(2023, 4, 1), None)]
    assert not Person.objects.filter(name="Illustrative Holder B").exists()  # the new person rolled back too


def test_a_holder_who_left_the_day_before_makes_room(chair):
    seating.end_appointment(chair.appointments.get(), D(2024, 12, 31))

    seating.create_appointment(seat=chair, person_name="Illustrative Holder B", start=D(2025, 1, 1))

    assert [name for name, *_ in holding(chair)] == ["Illustrative Holder A", "Illustrative Holder B"]


def test_refuses_overlapping_periods_for_one_person(chair):
    Seat.objects.filter(pk=chair.pk).update(max_holders=2)
    holder = Person.objects.get(name="Illustrative Holder A")

    with pytest.raises(rules.RuleError, match=OVERLAP):
        seating.create_appointment(seat=chair, person=holder, start=D(2025, 1, 1))

    # A namesake is another person: no overlap, and the seat takes two.
    namesake = Person.objects.create(name="Illustrative Holder A")
    seating.create_appointment(seat=chair, person=namesake, start=D(2025, 1, 1))
    assert chair.appointments.count() == 2


def test_a_change_is_checked_with_the_seat_s_other_holders(chair):
    later = seating.create_appointment(
        seat=chair, person_name="Illustrative Holder B", start=D(2020, 1, 1), end=D(2022, 12, 31)
    )

    with pytest.raises(rules.RuleError, match=TOO_MANY):
        seating.update_appointment(later, end=D(2023, 4, 1))  # one day with both

    later.refresh_from_db()
    assert later.end == D(2022, 12, 31)


def test_ends_an_appointment_and_ending_it_again_that_day_changes_nothing(chair):
    appointment = chair.appointments.get()

    ended = seating.end_appointment(appointment, D(2025, 3, 31))
    again = seating.end_appointment(ended, D(2025, 3, 31))

    assert Appointment.objects.get(pk=appointment.pk).end == again.end == D(2025, 3, 31)
    with pytest.raises(rules.RuleError, match="already ended on 2025-03-31") as later:
        seating.end_appointment(again, D(2025, 4, 1))
    assert later.value.message_dict == {"date": ["This appointment already ended on 2025-03-31."]}
    with pytest.raises(rules.RuleError, match="before the appointment starts"):
        seating.end_appointment(appointment, D(2023, 3, 31))


def test_a_lower_limit_is_checked_against_the_stored_holders_under_the_field(chair):
    Seat.objects.filter(pk=chair.pk).update(max_holders=2)
    seating.create_appointment(seat=chair, person_name="Illustrative Holder B", start=D(2025, 1, 1))

    with pytest.raises(rules.RuleError) as refused:
        seating.update_seat(chair, max_holders=1)

    assert refused.value.message_dict == {"max_holders": [TOO_MANY]}
    assert Seat.objects.get(pk=chair.pk).max_holders == 2


def test_check_stored_holders_leaves_out_the_appointment_being_rewritten(chair):
    stored = chair.appointments.get()
    moved_on = (stored.person, D(2023, 4, 1), D(2024, 3, 31))

    seating.check_stored_holders(chair, adding=[moved_on], exclude_pk=stored.pk)  # itself, changed: fine
    with pytest.raises(rules.RuleError, match=OVERLAP):
        seating.check_stored_holders(chair, adding=[moved_on])  # beside itself: twice at once


def test_lock_seats_reads_a_whole_system_in_two_queries(chair, django_assert_num_queries):
    second = seat(chair.body, "Vice chair", role="member", selection="appointed")
    appoint(second, "Illustrative Holder B", D(2024, 1, 1))

    with transaction.atomic(), django_assert_num_queries(2):
        seats, appointments = seating.lock_seats(Seat.objects.filter(body__tree_id=chair.body.tree_id))
        held = {s.label: [a.person.name for a in appointments[s.pk]] for s in seats}

    assert held == {"Chair": ["Illustrative Holder A"], "Vice chair": ["Illustrative Holder B"]}


# --- the admin, the API and the loader refuse alike, through this module -------------------------------


def through_the_api(seat: Seat, person: Person | None) -> str:
    api = APIClient()
    api.force_authenticate(User.objects.get(username="root"))
    who = {"person": person.pk} if person else {"person_name": "Illustrative Holder B"}
    response = api.post("/api/v1/appointments/", {"seat": seat.pk, "from": "2025-01-01", **who}, format="json")
    assert response.status_code == 400, response.content
    return " ".join(response.json()["non_field_errors"])


def through_the_admin(seat: Seat, person: Person | None) -> str:
    client = Client()
    client.force_login(User.objects.get(username="root"))
    person = person or Person.objects.create(name="Illustrative Holder B")
    form = {"seat": seat.pk, "person": person.pk, "start": "2025-01-01", "end": "", "source": "", "version": ""}
    response = client.post(reverse("admin:governance_appointment_add"), form)
    assert response.status_code == 200  # re-rendered with the error, not saved
    return " ".join(response.context["adminform"].form.non_field_errors())


def through_the_loader(seat: Seat, person: Person | None, tmp_path) -> str:
    name = person.name if person else "Illustrative Holder B"
    data = {
        "system": {"code": "QAA", "name": "System A ICB"},
        "seats": [
            {
                "board": "qaa-board", "label": "Chair", "role": "chair", "selection": "appointed",
                "max_holders": seat.max_holders, "holders": [{"name": name, "from": D(2025, 1, 1)}],
            }
        ],
    }  # fmt: skip
    path = tmp_path / "qaa.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(loading.GovernanceFileError) as refused:
        loading.load_governance([str(path)])
    return str(refused.value)


@pytest.mark.parametrize(
    ("max_holders", "same_person", "sentence"),
    [pytest.param(1, False, TOO_MANY, id="too many holders"), pytest.param(2, True, OVERLAP, id="same person twice")],
)
def test_admin_api_and_loader_refuse_alike_through_seating(
    chair, tmp_path, monkeypatch, max_holders, same_person, sentence
):
    User.objects.create_superuser("root", password=None)
    Seat.objects.filter(pk=chair.pk).update(max_holders=max_holders)
    chair.refresh_from_db()
    person = Person.objects.get(name="Illustrative Holder A") if same_person else None
    calls = []
    real_check = seating.check_holders

    def spy(*args, **kwargs):
        calls.append(args)
        return real_check(*args, **kwargs)

    monkeypatch.setattr(seating, "check_holders", spy)
    before = holding(chair)

    for name, write in [
        ("admin", through_the_admin),
        ("api", through_the_api),
        ("loader", functools.partial(through_the_loader, tmp_path=tmp_path)),
    ]:
        calls.clear()
        assert sentence in write(chair, person), name
        assert calls, f"the {name} did not check the holders through governance.domain.seating"
        assert holding(chair) == before, name


# --- locks (PostgreSQL: SQLite's one writer at a time serialises these anyway) -------------------------


def held_while(lock, probe) -> object:
    """Run ``probe()`` in another connection while this thread's transaction holds ``lock()``'s locks."""
    locked, probed = threading.Event(), threading.Event()

    def holder():
        with transaction.atomic():
            lock()
            locked.set()
            probed.wait(timeout=10)
        return "held"

    def prober():
        locked.wait(timeout=10)
        try:
            return probe()
        finally:
            probed.set()

    outcomes = in_threads(holder, prober)
    assert outcomes[0] == "held", raised(outcomes)
    return outcomes[1]


def try_lock(model, pk):
    """Lock row ``pk`` without waiting: a DatabaseError if another transaction holds it."""
    with transaction.atomic():
        return model.objects.select_for_update(nowait=True).filter(pk=pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_holds_the_seat_s_row_but_not_its_body_s(chair):
    body = chair.body

    refused = held_while(lambda: seating.lock_seat(chair), lambda: try_lock(Seat, chair.pk))
    body_free = held_while(lambda: seating.lock_seat(chair), lambda: try_lock(Organisation, body.pk))

    assert isinstance(refused, DatabaseError), refused
    assert body_free is True


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_appointment_waits_for_a_load_that_holds_the_system_s_seats(chair):
    """The loader locks its seats while it checks and writes; an API-style write then sees what it wrote."""
    seats_of_qaa = Seat.objects.filter(body__tree_id=chair.body.tree_id)
    loaded, started = threading.Event(), threading.Event()

    def load():
        with transaction.atomic():
            seating.lock_seats(seats_of_qaa)
            started.set()
            time.sleep(0.5)  # the write is under way, and waiting
            Appointment.objects.filter(seat=chair).update(end=D(2024, 12, 31))
            loaded.set()  # still inside: the write may go on only once this commits
        return "loaded"

    def write():
        started.wait(timeout=10)
        appointment = seating.create_appointment(seat=chair, person_name="Illustrative Holder B", start=D(2025, 1, 1))
        return loaded.is_set() and appointment.pk is not None

    outcomes = in_threads(load, write)

    assert raised(outcomes) == []
    assert outcomes == ["loaded", True]  # it waited, then saw the ended appointment and fitted in
