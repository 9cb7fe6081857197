"""One number for "has anything changed?": the data version behind the API's ETags.

Every write to an Organisation, Seat, Person, Appointment, AlsoReported, Cluster or Dataset (the pages say how
old each source file is) bumps a counter in a single row (``DataVersion``), so a client's
revalidation (``If-None-Match`` or ``If-Modified-Since``) is answered by reading that one
row, without loading any tree.

Most writes bump it through ``post_save``/``post_delete`` signals (``connect()``, called
from the app's ``ready()``). Writes that bypass signals (``bulk_create``,
``bulk_update``, ``QuerySet.update``) call ``DataVersion.objects.bump()`` themselves (it lives
beside the row, in ``governance.models.data``): ``tree_check.rebuild`` and the ODS importer's write step.

Beside it, in the same row, the organisations' version: it moves only when an organisation or
a link changed (``Organisation`` saves, the ODS import, the tree's repair), not when a seat, a
person or a holder did. England's structure in memory keeps its organisations and links by it,
and the system graphs by it and by their own system's seats and holders (``reading.as_of``,
``reading.paths``), so a governance edit costs readers a re-read of seats and holders and the
graphs of the system it changed, not all of England. The data version's ``key`` carries it
(``organisations_key()`` takes it out), so that whatever holds a key holds both.

The bump runs once per transaction, after it commits (``transaction.on_commit``): the
row is then never locked for the length of a write transaction (a lock taken on every
write's first change would queue all writers behind each other, and could deadlock with
the row locks they take on seats), and a rolled-back write bumps nothing.

Readers ask ``latest()``, which reads the row at most twice a second per process: a round
trip to the database cost as much as the rest of a cached path request. (A LISTEN/NOTIFY
listener that heard other processes' bumps at once measured no faster: README,
"Performance".)
"""

import datetime
import math
import time
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from governance.models import (
    AlsoReported,
    Appointment,
    Cluster,
    Dataset,
    DataVersion,
    Organisation,
    Person,
    Seat,
    Suggestion,
)
from governance.models.data import bumped

ROW = DataVersion.objects.ROW  # the primary key of the single row
# How long a process trusts the version it last read: the bound on how stale a reader
# can be about another process's write.
MAX_AGE = 0.5
_CURRENT_SQL = (
    "SELECT counter, changed_at, organisations_counter, organisations_changed_at"  # noqa: S608 - our table
    f" FROM {DataVersion._meta.db_table} WHERE id = %s"
)
# Suggestion: a system page counts those waiting for review.
VERSIONED_MODELS = (Organisation, Seat, Person, Appointment, Dataset, AlsoReported, Cluster, Suggestion)
# Those whose writes move the organisations' version too (links and dated names are written by the ODS
# import alone, in bulk, and it bumps them itself).
ORGANISATION_MODELS = (Organisation,)
# Between the data version's own part of a key and the organisations' part.
_PARTS = "/"


class Version(NamedTuple):
    counter: int
    changed_at: datetime.datetime | None  # None until the first bump on a database without the row
    organisations_counter: int = 0  # the counter when an organisation or a link last changed
    organisations_changed_at: datetime.datetime | None = None

    @property
    def key(self) -> str:
        """What caches key answers by: the counter and the moment it moved, then the organisations'.

        The counter alone starts again when the row is recreated (a flushed or restored
        database); answers kept in a shared cache (Redis) or by a long-lived process
        must never be served for the new life of an old number.
        """
        return (
            _stamp(self.counter, self.changed_at)
            + _PARTS
            + _stamp(self.organisations_counter, self.organisations_changed_at)
        )


def _stamp(counter: int, moved: datetime.datetime | None) -> str:
    return f"{counter}@{moved.timestamp():.6f}" if moved else f"{counter}@-"


def organisations_key(key: str | int) -> str | int:
    """The part of a data version's ``key`` that moves only when an organisation or a link changes.

    What England's organisations and links in memory, and lookups of organisations, are kept by. A
    key without that part (made by hand: tests and the bench pass a counter) is returned whole:
    everything moves with it.
    """
    return str(key).partition(_PARTS)[2] or key


def last_modified(version: Version) -> datetime.datetime:
    """An answer's Last-Modified: the later of the last write and the start of today (local time).

    An answer "as of today" changes at midnight without any write.
    """
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    return max(version.changed_at, midnight) if version.changed_at else midnight


def current() -> Version:
    """The data version now, in one query (no write, even when the row is missing)."""
    # Plain SQL: every API read and page asks this first, and the ORM's query building
    # cost as much as the query itself.
    with connection.cursor() as cursor:
        cursor.execute(_CURRENT_SQL, [ROW])
        row = cursor.fetchone()
    if not row:
        return Version(0, None)
    counter, changed_at, organisations_counter, organisations_changed_at = row
    return Version(counter, _moment(changed_at), organisations_counter, _moment(organisations_changed_at))


def _moment(value) -> datetime.datetime | None:
    if isinstance(value, str):  # SQLite hands back text for a raw query
        value = datetime.datetime.fromisoformat(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value


# (version, when read, how long trusted): the version this process read last; and the one before it.
_remembered: tuple[Version, float, float] | None = None
_previous: Version | None = None


def storm_max_age() -> float:
    """How long the version is trusted during a write storm: ``DATA_VERSION_STORM_MAX_AGE`` (None: as ever)."""
    seconds = getattr(settings, "DATA_VERSION_STORM_MAX_AGE", None)
    return MAX_AGE if seconds is None else max(MAX_AGE, seconds)


def latest() -> Version:
    """The data version, as ``current()`` reads it, but at most twice a second per process.

    What readers (the API, the page cache) ask. A bump made by this process is seen at
    once (the ``bumped`` signal makes it forget the remembered version); one made by another process
    (another worker, an import run from the command line) within ``MAX_AGE`` seconds.

    During a write storm (the version found moved at two reads of the row running), it is trusted
    for ``storm_max_age()`` instead, this process's own bumps included: each new version costs every
    worker a new read of England's structure and of the graphs it is asked for, so under many
    writers readers see the data as of a burst of writes, not of every write, and never more than
    ``storm_max_age()`` seconds late.
    """
    global _remembered, _previous
    remembered, now = _remembered, time.monotonic()
    if remembered is not None and now - remembered[1] < remembered[2]:
        return remembered[0]
    version = current()
    before = remembered[0] if remembered is not None else None
    storm = _previous is not None and before is not None and version != before and before != _previous
    _remembered, _previous = (version, now, storm_max_age() if storm else MAX_AGE), before
    return version


def in_storm() -> bool:
    """Whether the remembered version is trusted longer than ``MAX_AGE``: a write storm."""
    return _remembered is not None and _remembered[2] > MAX_AGE


def forget() -> None:
    """The remembered version no longer trusted: the next ``latest()`` reads the row."""
    global _remembered
    if _remembered is not None:
        _remembered = (_remembered[0], -math.inf, MAX_AGE)


def clear() -> None:
    """Nothing remembered, not even whether a storm is on (``caching.reset()``)."""
    global _remembered, _previous
    _remembered = _previous = None


def _on_change(sender, **kwargs) -> None:
    DataVersion.objects.bump(organisations=sender in ORGANISATION_MODELS)


def connect() -> None:
    """Bump on every save and delete of the models the API serves (called from ``AppConfig.ready``)."""
    for model in VERSIONED_MODELS:
        post_save.connect(_on_change, sender=model, dispatch_uid=f"versioning-save-{model.__name__}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"versioning-delete-{model.__name__}")
    # A bump in this process is seen here at once; another process's within MAX_AGE.
    bumped.connect(_forget_on_bump, dispatch_uid="versioning-forget")


def _forget_on_bump(sender, **kwargs) -> None:
    # In a storm, this process's own writes wait for the storm's window like everyone else's.
    if not in_storm():
        forget()
