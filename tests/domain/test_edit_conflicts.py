"""Two editors, one row (an appointment, seat, person or organisation): the second save over an unseen
change is refused.

Through the admin test client (two GETs, then two POSTs), on each object's own page and in
the inlines; and on PostgreSQL, two threads saving at the same moment: exactly one wins,
because the check holds the row's lock until the save commits; and a body page's save,
which locks its seats, takes the tree lock first, as the loader does (else: a deadlock).
"""

import functools
import io
import operator
import threading
import time

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from governance.domain import edit_conflicts, tree
from governance.models import Appointment, Organisation, Seat
from tests.builders import (
    D,
    appoint,
    change_url,
    errors_of,
    form_data,
    org,
    revert_errors,
    revert_form,
    revert_url,
    seat,
)
from tests.concurrent import in_threads, raised

CONFLICT = "This appointment was changed by {user} at "
RELOAD = "since you opened it; reload and re-apply your change."


def make_system():
    qaa = org("QAA", "icb")
    board = org("qaa-board", "board", qaa)
    held = seat(board, "Chair", role="chair", selection="appointed", max_holders=2)
    return appoint(held, "Illustrative Holder A", D(2023, 4, 1))


def editor(username: str) -> Client:
    User.objects.create_user(username, password="not-used-in-tests")
    call_command("grant_system", username, "QAA", stdout=io.StringIO())
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.django_db
def test_the_second_of_two_editors_is_told_and_saves_nothing():
    appointment = make_system()
    alice, bob = editor("alice"), editor("bob")
    url = change_url(appointment)
    page = alice.get(url)
    assert f'name="version" value="{edit_conflicts.version_of(appointment)}"' in page.content.decode()
    alice_form, bob_form = form_data(page), form_data(bob.get(url))

    alice_form["end"] = "2025-01-31"
    assert alice.post(url, alice_form).status_code == 302
    bob_form["source"] = "https://example.org/board-papers"
    errors = errors_of(bob.post(url, bob_form))

    assert CONFLICT.format(user="alice") in errors and RELOAD in errors
    stored = Appointment.objects.get(pk=appointment.pk)
    assert (stored.end, stored.source) == (D(2025, 1, 31), "")

    # Reloaded, bob's change goes in on top of alice's.
    bob_form = form_data(bob.get(url))
    bob_form["source"] = "https://example.org/board-papers"
    assert bob.post(url, bob_form).status_code == 302
    stored.refresh_from_db()
    assert (stored.end, stored.source) == (D(2025, 1, 31), "https://example.org/board-papers")


@pytest.mark.django_db
def test_the_seat_page_inline_refuses_a_stale_appointment_too():
    appointment = make_system()
    alice, bob = editor("alice"), editor("bob")
    appointment_url, seat_url = change_url(appointment), change_url(appointment.seat)
    seat_page = bob.get(seat_url)
    assert 'type="hidden" name="appointments-0-version"' in seat_page.content.decode()
    bob_form = form_data(seat_page)
    alice_form = form_data(alice.get(appointment_url))

    alice_form["end"] = "2025-01-31"
    assert alice.post(appointment_url, alice_form).status_code == 302
    bob_form["label"] = "Chair of the board"  # his page still shows the appointment with no end
    errors = errors_of(bob.post(seat_url, bob_form))

    assert CONFLICT.format(user="alice") in errors
    appointment.refresh_from_db()
    assert appointment.end == D(2025, 1, 31)
    assert appointment.seat.label == "Chair"  # nothing of bob's page was saved


@pytest.mark.django_db
@pytest.mark.parametrize(
    "of, name, alice_sets, bob_sets",
    [
        ("seat", "seat", {"max_holders": 1}, {"label": "Chair of the board"}),
        ("person", "person", {"profession": "GP"}, {"organisation": "Example Surgery"}),
        ("seat.body", "organisation", {"name": "Integrated care board"}, {"postcode": "QA1 1AA"}),
    ],
)
def test_a_seat_person_or_organisation_saved_over_an_unseen_change_is_refused(of, name, alice_sets, bob_sets):
    obj = operator.attrgetter(of)(make_system())
    alice, bob = editor("alice"), editor("bob")
    url = change_url(obj)
    alice_form, bob_form = form_data(alice.get(url)), form_data(bob.get(url))

    assert alice.post(url, {**alice_form, **alice_sets}).status_code == 302
    errors = errors_of(bob.post(url, {**bob_form, **bob_sets}))

    assert f"This {name} was changed by alice at " in errors and RELOAD in errors
    stored = type(obj).objects.get(pk=obj.pk)
    assert all(getattr(stored, field) == value for field, value in alice_sets.items())
    assert all(getattr(stored, field) == getattr(obj, field) for field in bob_sets)  # nothing of bob's


@pytest.mark.django_db
def test_the_body_page_seat_inline_refuses_a_stale_seat_too():
    held = make_system().seat
    alice, bob = editor("alice"), editor("bob")
    body_url, seat_url = change_url(held.body), change_url(held)
    body_page = bob.get(body_url)
    assert 'type="hidden" name="seats-0-version"' in body_page.content.decode()
    bob_form = form_data(body_page)
    alice_form = form_data(alice.get(seat_url))

    alice_form["label"] = "Chair of the ICB"
    assert alice.post(seat_url, alice_form).status_code == 302
    bob_form["seats-0-voting"] = ""  # his page still shows the old label
    errors = errors_of(bob.post(body_url, bob_form))

    assert "This seat was changed by alice at " in errors
    held.refresh_from_db()
    assert held.label == "Chair of the ICB" and held.voting


@pytest.mark.django_db
def test_a_form_without_a_version_or_for_a_deleted_appointment_is_refused():
    appointment = make_system()
    alice = editor("alice")
    url = change_url(appointment)
    data = form_data(alice.get(url))

    assert "did not say which version" in errors_of(alice.post(url, {**data, "version": ""}))
    with pytest.raises(edit_conflicts.EditConflict, match="deleted since you opened it"), transaction.atomic():
        edit_conflicts.check_version(Appointment, appointment.pk + 1000, data["version"])


@pytest.mark.django_db
def test_check_version_needs_the_saving_transaction():
    appointment = make_system()
    version = edit_conflicts.version_of(appointment)
    with transaction.atomic():
        edit_conflicts.check_version(Appointment, appointment.pk, version)  # unchanged: passes
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # pytest-django's test transaction may already be open
        with pytest.raises(RuntimeError):
            edit_conflicts.check_version(Appointment, appointment.pk, version)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_threads_saving_the_same_appointment_at_once_exactly_one_wins(monkeypatch):
    appointment = make_system()
    clients = {"alice": editor("alice"), "bob": editor("bob")}
    url = change_url(appointment)
    forms = {name: form_data(client.get(url)) for name, client in clients.items()}
    forms["alice"]["end"] = "2025-01-31"
    forms["bob"]["source"] = "https://example.org/board-papers"

    # Hold each save between its check and its write long enough for the other to arrive:
    # without the row lock both checks would pass and both saves would go in.
    real_check = edit_conflicts.check_version

    def slow_check(*args, **kwargs):
        real_check(*args, **kwargs)
        time.sleep(0.5)

    monkeypatch.setattr(edit_conflicts, "check_version", slow_check)
    start = threading.Barrier(2)

    def save(name):
        start.wait()
        return clients[name].post(url, forms[name])

    outcomes = in_threads(*(functools.partial(save, name) for name in clients))
    assert raised(outcomes) == []
    responses = dict(zip(clients, outcomes, strict=True))

    codes = sorted(response.status_code for response in responses.values())
    assert codes == [200, 302], codes
    winner = next(name for name, response in responses.items() if response.status_code == 302)
    loser = next(name for name in responses if name != winner)
    assert CONFLICT.format(user=winner) in errors_of(responses[loser])
    stored = Appointment.objects.get(pk=appointment.pk)
    if winner == "alice":
        assert (stored.end, stored.source) == (D(2025, 1, 31), "")
    else:
        assert (stored.end, stored.source) == (None, "https://example.org/board-papers")


def meanwhile_under_the_tree_lock(structural_write, post) -> dict:
    """Run ``post()`` while another thread holds the tree lock and then writes (``structural_write()``).

    As the governance loader and moves do: the tree lock first, then rows. Had ``post`` locked
    a row before waiting for the tree lock, each would wait for the other (a deadlock, which
    PostgreSQL breaks by failing one of them). Returns each side's outcome.
    """
    started = threading.Event()

    def writer():
        with tree.structural_write():
            started.set()
            time.sleep(0.5)  # the post is under way, and waiting
            structural_write()
        return "saved"

    def poster():
        started.wait()
        return post()

    outcomes = in_threads(writer, poster)
    assert raised(outcomes) == []
    assert outcomes[0] == "saved"
    return {"writer": outcomes[0], "post": outcomes[1]}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_body_page_save_waits_for_the_tree_lock_before_locking_its_seats():
    held = make_system().seat
    bob = editor("bob")
    body_url = change_url(held.body)
    bob_form = {**form_data(bob.get(body_url)), "seats-0-voting": ""}

    def rename_seat():
        seat = Seat.objects.get(pk=held.pk)
        seat.label = "Chair of the ICB"
        seat.save()

    outcome = meanwhile_under_the_tree_lock(rename_seat, lambda: bob.post(body_url, bob_form))

    assert "This seat was changed by someone else at " in errors_of(outcome["post"])  # told, after waiting
    held.refresh_from_db()
    assert held.label == "Chair of the ICB" and held.voting


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_revert_waits_for_the_tree_lock_before_locking_the_organisation():
    board = make_system().seat.body
    committee = org("qaa-committee", "committee", board)
    tree.update_organisation(committee, name="Quality committee")
    original = committee.history.order_by("history_id").first()
    root = Client()
    root.force_login(User.objects.create_superuser("root"))
    url = revert_url(committee, original)
    form = revert_form(root, url)

    def move_committee():
        tree.move_organisation(Organisation.objects.get(code="qaa-committee"), Organisation.objects.get(code="QAA"))

    outcome = meanwhile_under_the_tree_lock(move_committee, lambda: root.post(url, form))

    assert "This organisation was changed by someone else at " in revert_errors(outcome["post"])  # told, after waiting
    committee.refresh_from_db()
    assert committee.parent.code == "QAA"  # the move stands
