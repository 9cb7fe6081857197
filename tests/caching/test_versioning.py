"""The data version as readers see it: ``versioning.latest()`` (governance/caching/versioning.py).

``latest()`` is the same memo (``MAX_AGE``) on SQLite as on PostgreSQL, so every test here
runs, and can fail, on both. So do those of the organisations' version, which moves only with
an organisation's write (what readers keep England's organisations, links and graphs by). The
counter's bumps themselves (once per transaction, on commit, by imports and repairs) are pinned
in tests/api/test_api_http.py, with the ETags they drive.
"""

import time

import pytest
from django.db.models import F

from governance.caching import versioning
from governance.models import DataVersion, Person
from tests.builders import appoint, commit_now, org, seat

pytestmark = pytest.mark.django_db


def test_latest_is_the_current_version():
    Person.objects.create(name="Someone")
    commit_now()

    assert versioning.latest() == versioning.current()


def test_this_process_reads_its_own_bump_at_once():
    before = versioning.latest()
    Person.objects.create(name="Someone")
    commit_now()

    assert versioning.latest().counter == before.counter + 1


def test_the_version_is_read_once_while_it_is_trusted(django_assert_num_queries):
    versioning.latest()

    with django_assert_num_queries(0):
        versions = {versioning.latest() for _ in range(50)}

    assert versions == {versioning.current()}


@pytest.fixture
def clock(monkeypatch):
    """``versioning``'s clock, stopped, and moved on by hand: ``clock.now += seconds``."""

    class Clock:
        now = time.monotonic()

    monkeypatch.setattr(versioning.time, "monotonic", lambda: Clock.now)
    return Clock


def test_a_bump_this_process_did_not_make_is_read_within_max_age(clock):
    DataVersion.objects.update_or_create(pk=versioning.ROW, defaults={"counter": 5})
    before = versioning.latest()
    # Another process's bump (or a restore): the row moves, and this process is not told.
    DataVersion.objects.filter(pk=versioning.ROW).update(counter=F("counter") + 10)

    clock.now += versioning.MAX_AGE * 0.99
    assert versioning.latest() == before  # trusted for MAX_AGE…
    clock.now += versioning.MAX_AGE * 0.01
    assert versioning.latest().counter == before.counter + 10  # …and no longer


def test_a_counter_that_starts_again_never_meets_answers_kept_for_its_old_life():
    # A flushed or restored database recreates the row and counts from 1 again, while a
    # shared cache (Redis) and long-lived workers still hold answers keyed by the old numbers.
    Person.objects.create(name="Someone")
    commit_now()
    old = versioning.current()
    DataVersion.objects.all().delete()
    for _ in range(old.counter):
        Person.objects.create(name="Someone else")
        commit_now()
    new = versioning.current()

    assert new.counter == old.counter
    assert new.key != old.key


def another_process_bumps() -> None:
    DataVersion.objects.filter(pk=versioning.ROW).update(counter=F("counter") + 1)


@pytest.fixture
def storms(settings, clock):
    """The version trusted 2 s during a write storm, as on a server (tests otherwise turn it off)."""
    settings.DATA_VERSION_STORM_MAX_AGE = 2.0
    DataVersion.objects.update_or_create(pk=versioning.ROW, defaults={"counter": 5})
    versioning.latest()
    return clock


def moved_at_two_reads_running(clock) -> None:
    for _ in range(2):
        another_process_bumps()
        clock.now += versioning.MAX_AGE
        versioning.latest()


def test_one_write_is_not_a_storm(storms):
    another_process_bumps()
    storms.now += versioning.MAX_AGE
    versioning.latest()

    assert not versioning.in_storm()
    Person.objects.create(name="Someone")
    commit_now()
    assert versioning.latest() == versioning.current()  # this process's own bump: at once


def test_in_a_write_storm_the_version_moves_once_per_burst(storms):
    moved_at_two_reads_running(storms)
    during = versioning.latest()

    Person.objects.create(name="Someone")  # this process's own write, too, waits for the burst
    commit_now()
    another_process_bumps()

    assert versioning.in_storm()
    storms.now += 2.0 * 0.99
    assert versioning.latest() == during
    storms.now += 2.0 * 0.01
    assert versioning.latest() == versioning.current()


def test_when_the_writes_stop_the_storm_ends(storms):
    moved_at_two_reads_running(storms)
    storms.now += 2.0
    versioning.latest()  # nothing moved since

    assert not versioning.in_storm()
    Person.objects.create(name="Someone")
    commit_now()
    assert versioning.latest() == versioning.current()


# --- the organisations' version: what England's organisations and links in memory are kept by --------


def test_a_seat_person_or_holder_write_leaves_the_organisations_version_as_it_was():
    board = org("qaa-board", "board", org("QAA", "icb"))
    commit_now()
    before = versioning.current()

    held = seat(board, "Chair", role="chair")
    commit_now()
    appoint(held, "Someone")
    commit_now()
    after = versioning.current()

    assert after.counter == before.counter + 2
    assert versioning.organisations_key(after.key) == versioning.organisations_key(before.key)
    assert after.key != before.key


def test_an_organisation_write_moves_the_organisations_version_with_the_data_version():
    system = org("QAA", "icb")
    commit_now()
    before = versioning.current()

    system.name = "System A"
    system.save()
    commit_now()
    after = versioning.current()

    assert after.organisations_counter == after.counter == before.counter + 1
    assert versioning.organisations_key(after.key) != versioning.organisations_key(before.key)


def test_one_transaction_writing_a_seat_then_an_organisation_moves_both_once():
    board = org("qaa-board", "board", org("QAA", "icb"))
    commit_now()
    before = versioning.current()

    seat(board, "Chair", role="chair")  # its pending bump leaves the organisations as they were…
    board.name = "System A board"
    board.save()  # …until an organisation changes in the same transaction
    commit_now()
    after = versioning.current()

    assert after.counter == before.counter + 1
    assert after.organisations_counter == after.counter


def test_a_bulk_writer_that_does_not_say_moves_the_organisations_version():
    # Anything that bumps by hand without saying what it wrote is taken to have changed organisations.
    commit_now()
    before = versioning.current()

    DataVersion.objects.bump()
    commit_now()

    assert versioning.current().organisations_counter == before.counter + 1


def test_a_key_made_by_hand_is_its_own_organisations_key():
    assert versioning.organisations_key("v1") == "v1"
    assert versioning.organisations_key(7) == 7
