"""The data version as readers see it: ``versioning.latest()`` (governance/caching/versioning.py).

On SQLite ``latest()`` is ``current()``: what only a remembered version can get wrong is
tested on PostgreSQL (marked ``postgres``). The counter's bumps themselves (once per
transaction, on commit, by imports and repairs) are pinned in tests/test_api_http.py, with
the ETags they drive.
"""

import time

import pytest

from governance.caching import versioning
from governance.models import DataVersion, Person
from tests.builders import commit_now
from tests.concurrent import in_threads, raised

pytestmark = pytest.mark.django_db


@pytest.mark.postgres
def test_latest_is_the_current_version():
    # Elsewhere latest() *is* current() (a query each time), so only PostgreSQL, where it is a
    # remembered version, can fail this.
    Person.objects.create(name="Someone")
    commit_now()

    assert versioning.latest() == versioning.current()


def test_this_process_reads_its_own_bump_at_once():
    # On SQLite this pins only that a commit bumps the counter (latest() reads the row); on
    # PostgreSQL also that this process drops its remembered version at its own bump.
    before = versioning.latest()
    Person.objects.create(name="Someone")
    commit_now()

    assert versioning.latest().counter == before.counter + 1


@pytest.mark.postgres
def test_on_postgresql_the_version_is_read_once_while_nothing_changes(django_assert_num_queries):
    versioning.latest()

    with django_assert_num_queries(0):
        versions = {versioning.latest() for _ in range(50)}

    assert versions == {versioning.current()}


def _latest_once_heard(before: versioning.Version) -> versioning.Version:
    """``latest()``, given a second for a NOTIFY to arrive (delivery is asynchronous, if quick)."""
    for _ in range(100):
        if versioning.latest() != before:
            break
        time.sleep(0.01)
    return versioning.latest()


def _bump_in_another_connection(monkeypatch) -> None:
    """Commit a bump from a connection of its own without telling this process, as another process would."""
    monkeypatch.setattr(versioning._watch, "forget", lambda: None)
    assert raised(in_threads(versioning.bump)) == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_another_process_bump_is_heard(monkeypatch):
    before = versioning.latest()
    monkeypatch.setattr(versioning, "WATCH_MAX_AGE", 3600)  # only the NOTIFY can tell

    _bump_in_another_connection(monkeypatch)

    assert _latest_once_heard(before).counter == before.counter + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_silent_change_is_read_after_the_max_age(monkeypatch):
    Person.objects.create(name="Someone")  # commits, and bumps: the row is there
    before = versioning.latest()
    DataVersion.objects.filter(pk=versioning.ROW).update(counter=before.counter + 10)  # no NOTIFY (a restore, say)

    assert versioning.latest() == before  # not heard: it stands…
    monkeypatch.setattr(versioning, "WATCH_MAX_AGE", 0)
    assert versioning.latest().counter == before.counter + 10  # …for WATCH_MAX_AGE at most


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_broken_listener_is_replaced(monkeypatch):
    versioning.latest()
    versioning._watch.listener.close()  # the server restarted, say

    DataVersion.objects.filter(pk=versioning.ROW).update(counter=versioning.current().counter + 1)
    assert versioning.latest() == versioning.current()  # read again rather than trusted

    monkeypatch.setattr(versioning, "WATCH_MAX_AGE", 3600)
    before = versioning.latest()
    _bump_in_another_connection(monkeypatch)
    assert _latest_once_heard(before).counter == before.counter + 1  # and listening again


@pytest.mark.postgres
def test_on_postgresql_a_forked_worker_listens_on_its_own_connection(monkeypatch):
    versioning.latest()
    inherited = versioning._watch.listener
    monkeypatch.setattr(versioning.os, "getpid", lambda: -1)

    versioning.latest()

    assert versioning._watch.listener is not inherited
    assert versioning._watch.inherited is inherited  # kept: freed, psycopg2 would end the parent's session
    assert not inherited.closed
    inherited.close()
