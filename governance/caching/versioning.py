"""One number for "has anything changed?": the data version behind the API's ETags.

Every write to an Organisation, Seat, Person or Appointment bumps a counter in a
single row (``DataVersion``), so a client's revalidation (``If-None-Match`` or
``If-Modified-Since``) is answered by reading that one row, without loading any tree.

Most writes bump it through ``post_save``/``post_delete`` signals (``connect()``, called
from the app's ``ready()``). Writes that bypass signals (``bulk_create``,
``bulk_update``, ``QuerySet.update``) call ``bump()`` themselves: ``tree_check.rebuild``
and the ODS importer's apply step.

The bump runs once per transaction, after it commits (``transaction.on_commit``): the
row is then never locked for the length of a write transaction (a lock taken on every
write's first change would queue all writers behind each other, and could deadlock with
the row locks they take on seats), and a rolled-back write bumps nothing.

Readers ask ``latest()``, which spares them the query while nothing has changed: on
PostgreSQL each process LISTENs for the NOTIFY that every bump sends as it commits (a
round trip to the database cost as much as the rest of a cached path request).
"""

import contextlib
import datetime
import logging
import os
import threading
import time
from typing import NamedTuple

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from governance.models import Appointment, DataVersion, Organisation, Person, Seat

logger = logging.getLogger(__name__)

ROW = 1  # the primary key of the single row
CHANNEL = "icsmap_data_version"  # PostgreSQL's NOTIFY channel for bumps
# However quiet the channel, a process reads the row again after this many seconds: the
# bound on staleness should a notification ever be lost (a dropped connection, a restore).
WATCH_MAX_AGE = 1.0
_CURRENT_SQL = f"SELECT counter, changed_at FROM {DataVersion._meta.db_table} WHERE id = %s"  # noqa: S608 - our table
VERSIONED_MODELS = (Organisation, Seat, Person, Appointment)


class Version(NamedTuple):
    counter: int
    changed_at: datetime.datetime | None  # None until the first bump on a database without the row


def current() -> Version:
    """The data version now, in one query (no write, even when the row is missing)."""
    # Plain SQL: every API read and page asks this first, and the ORM's query building
    # cost as much as the query itself.
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_SQL, [ROW])
        row = cursor.fetchone()
    if not row:
        return Version(0, None)
    counter, changed_at = row
    if isinstance(changed_at, str):  # SQLite hands back text for a raw query
        changed_at = datetime.datetime.fromisoformat(changed_at)
    if changed_at is not None and timezone.is_naive(changed_at):
        changed_at = timezone.make_aware(changed_at, datetime.UTC)
    return Version(counter, changed_at)


class _Watch:
    """This process's last read of the version, and (on PostgreSQL) its LISTENing connection.

    The remembered version is dropped when this process bumps, when a NOTIFY arrives on
    the channel, when the listening connection fails, and after ``WATCH_MAX_AGE``. The
    LISTEN starts before the read it guards, so no bump can fall between the two.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.pid = None
        self.listener = None
        self.version: Version | None = None
        self.read_at = 0.0
        self.inherited = None  # a forked worker's copy of its parent's listener: kept, never used
        self.warned = False

    def forget(self) -> None:
        with self.lock:
            self.version = None

    def close(self) -> None:
        """Forget the version and close the listening connection (tests; a broken connection)."""
        with self.lock:
            self._close()

    def latest(self) -> Version:
        if connection.vendor != "postgresql":
            return current()  # SQLite is in-process: the query is cheaper than watching
        with self.lock:
            if os.getpid() != self.pid:  # a forked worker must not share its parent's socket…
                # …nor close it (closing ends the parent's session): keep the copy, unused.
                self.inherited, self.listener, self.pid, self.version = self.listener, None, os.getpid(), None
            if self.version is not None and (not self._heard() and time.monotonic() - self.read_at < WATCH_MAX_AGE):
                return self.version
            self._listen()
            version = current()
            if self.listener is not None:
                self.version, self.read_at = version, time.monotonic()
            return version

    def _heard(self) -> bool:
        """Whether a bump was announced since the last read (or the connection failed)."""
        try:
            self.listener.poll()
        except connection.Database.Error:  # whatever broke the connection: read the row, listen again
            self._close()
            return True
        heard = bool(self.listener.notifies)
        self.listener.notifies.clear()
        return heard

    def _listen(self) -> None:
        if self.listener is not None:
            return
        try:
            listener = connection.get_new_connection(connection.get_connection_params())
            listener.autocommit = True
            with listener.cursor() as cursor:
                cursor.execute(f"LISTEN {CHANNEL}")
        except connection.Database.Error as error:  # without a listener every read asks the database
            if not self.warned:
                logger.warning("Cannot LISTEN for data version changes (%s); reading it on every request.", error)
                self.warned = True
            return
        self.listener = listener

    def _close(self) -> None:
        self.version = None
        if self.listener is not None:
            with contextlib.suppress(connection.Database.Error):  # closing a broken connection
                self.listener.close()
            self.listener = None


_watch = _Watch()


def latest() -> Version:
    """The data version, as ``current()`` reads it, but without a query while nothing changed.

    What readers (the API, the page cache) ask. On PostgreSQL, the version this process
    last read stands until a bump's NOTIFY arrives (or for ``WATCH_MAX_AGE`` at most);
    elsewhere every call is a query.
    """
    return _watch.latest()


def forget_latest() -> None:
    """Drop this process's remembered version and its listening connection (tests)."""
    _watch.close()


class _Bump:
    """The bump a transaction will make on commit; ``done`` once made."""

    def __init__(self):
        self.done = False

    def __call__(self):
        self.done = True
        _bump_now()


def _bump_now() -> None:
    now = timezone.now()
    if not DataVersion.objects.filter(pk=ROW).update(counter=F("counter") + 1, changed_at=now):
        try:  # the row is gone (e.g. a flushed test database): recreate it
            with transaction.atomic():
                DataVersion.objects.create(pk=ROW, counter=1, changed_at=now)
        except IntegrityError:  # another process recreated it meanwhile
            DataVersion.objects.filter(pk=ROW).update(counter=F("counter") + 1, changed_at=now)
    _watch.forget()  # this process reads the new version at once; the others hear the NOTIFY
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")  # delivered when this commits, after the bump


def bump() -> None:
    """Say that the data changed: the version goes up when the current transaction commits.

    Outside a transaction, at once. Inside one, at most once however many writes it
    makes; if it (or the savepoint that asked) rolls back, not at all.
    """
    connection = transaction.get_connection()
    # A bump still pending in this transaction will cover this write too. (Django drops a
    # rolled-back savepoint's callbacks from run_on_commit, so a pending one is still due.)
    pending = (isinstance(entry[1], _Bump) and not entry[1].done for entry in connection.run_on_commit)
    if connection.in_atomic_block and any(pending):
        return
    # robust: the data is committed whatever happens here; a failed bump is logged, not raised.
    transaction.on_commit(_Bump(), robust=True)


def _on_change(sender, **kwargs) -> None:
    bump()


def connect() -> None:
    """Bump on every save and delete of the models the API serves (called from ``AppConfig.ready``)."""
    for model in VERSIONED_MODELS:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"versioning-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"versioning-delete-{model.__name__}")
