"""What changed in a system (or everywhere), newest first, each change on the day it took effect.

The changes a feed lists (``governance.pages.feeds``):

- ``appointed``: a person's appointment to a seat started (its ``start``);
- ``in_post``: a source shows a person in post on a day, without saying since when (an
  appointment known only by ``seen``: not an appointment that day);
- ``left``: an appointment ended (the day after its ``end``, the first day without them);
- ``vacant``: a seat fell vacant: an appointment ended and nobody held the seat the next day
  (``events.vacant_on``, the timeline's rule: a seat whose holders are not recorded is not vacant);
- ``seat_created``: a seat was added (the day its history row was written), unless it was
  recorded late: a seat with holders from before that day is not news (a governance file
  loaded today with holders since 2022 adds no "new seat" entries), nor is a statutory seat of
  a system's top board (``STATUTORY_ROLES``: the board has had it since it opened, so the set-up's
  ``scaffold_governance`` writes no entries);
- ``opened`` / ``closed``: an organisation opened, or closed (the day after its last day).

Each change's headline and sentence come from ``events``, where the timeline's come from: a
person taking a seat reads the same in a feed and on the timeline, dates in words alike.

The newest few, for a feed reader. A period's whole account, the structure's changes with
it (PCN moves, units joining and leaving, successions), is ``timeline``; what was written to
the database, and when, is ``governance.domain.history.changes_since``.

Only changes that have taken effect by ``until`` (default today) are listed. A system's changes
are those of the organisations and bodies that were in it on the day of the change (``Scope``):
a practice that closed in 2025 in NHS Mid and South Essex is in that system's feed, not its
successor's. A fixed number of queries (six, and England's structure once per data version),
whatever the number of changes: each source is read newest first until ``limit`` are found.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from governance.domain.composition import REQUIREMENTS
from governance.domain.dates import day_after
from governance.domain.england import Structure
from governance.models import Appointment, Organisation, Seat
from governance.reading import as_of
from governance.reading import events as said

FEED_LIMIT = 50
# A top board's seats of these roles are as old as the board (the Act and NHS England's policy
# require them): writing one down is a record of what was, not an NHS event.
STATUTORY_ROLES = sorted({str(requirement.role) for requirement in REQUIREMENTS if requirement.role})


@dataclass(frozen=True)
class Change:
    """One change: what, on which day, about which organisation (the page to link to)."""

    kind: str
    date: datetime.date
    title: str
    description: str
    organisation: str  # the code of the organisation or body whose page shows it
    key: str  # unique and stable: the feed entry's id


class Scope:
    """Which changes belong to a system: those of organisations (and bodies) that were in it on the day.

    A practice's closing belongs to the system it was in on its last day, an appointment to the
    system its body was in on that day: the structure of the day (``as_of``), not today's tree.
    Without a system, every change. The structure also names where an organisation was when it
    opened or closed, as the timeline says it (``events``), and names everything as of the change's day.
    """

    def __init__(self, system: int | None, structure: Structure):
        self.system = system
        self.structure = structure
        self.candidates = list(structure.ever_under(system)) if system is not None else None

    def filter(self, field: str) -> Q:
        """Rows whose ``field`` is an organisation ever in the system (a superset; ``holds`` checks the day)."""
        return Q(**{f"{field}__in": self.candidates}) if self.system is not None else Q()

    def holds(self, pk: int, day: datetime.date) -> bool:
        """Whether organisation ``pk`` was in the system on ``day``."""
        return self.system is None or self.structure.system_on(pk, day) == self.system

    def name(self, pk: int, day: datetime.date, stored: str) -> str:
        """Organisation ``pk``'s name on ``day`` (``Structure.name_on``); ``stored`` if the structure does not
        know it (written since it was read)."""
        return self.structure.name_on(pk, day) if pk in self.structure.units else stored

    def parent_named(self, pk: int, day: datetime.date) -> str | None:
        """The parent of organisation ``pk`` on ``day``, as sentences name it (None: none that day)."""
        parent = self.structure.parent_on(pk, day) if pk in self.structure.units else None
        if parent is None:
            return None
        return said.named(self.structure.name_on(parent, day), self.structure.units[parent].code)

    def first(self, rows, limit: int, pk_day) -> list:
        """The first ``limit`` of ``rows`` (newest first) that belong to the system; ``pk_day(row)``: whose, which day.

        One query: the rows are read in order until enough are found.
        """
        if self.system is None:
            return list(rows[:limit])
        found = []
        for row in rows.iterator(chunk_size=max(limit, 100)):
            if self.holds(*pk_day(row)):
                found.append(row)
                if len(found) == limit:
                    break
        return found


def _appointment_changes(scope: Scope, until: datetime.date, limit: int) -> list[Change]:
    body = scope.filter("seat__body")
    related = ("seat__body", "person")
    started = scope.first(
        Appointment.objects.filter(body, start__lte=until).select_related(*related).order_by("-start", "-pk"),
        limit,
        lambda a: (a.seat.body_id, a.start),
    )
    ended = scope.first(
        Appointment.objects.filter(body, end__lt=until).select_related(*related).order_by("-end", "-pk"),
        limit,
        lambda a: (a.seat.body_id, a.end),
    )
    # Who held the seats of the ended appointments the day after (one query): no one means vacant.
    others: dict[int, list[tuple]] = {}
    for a in Appointment.objects.filter(seat__in={a.seat_id for a in ended}).only("seat_id", "start", "end"):
        others.setdefault(a.seat_id, []).append((a.start, a.end))
    changes = []
    for a in started:
        seat, body, name = a.seat, a.seat.body, scope.name(a.seat.body_id, a.start, a.seat.body.name)
        words = {"person": a.person.name, "seat": seat.label, "body": name}
        if not a.start_known:  # a source shows them in post that day, not since when
            sentence = said.in_post(a.person.name, seat.label, said.named(name, body.code), a.start, a.source)
            key = f"appointment-{a.pk}-start"
            changes.append(Change("in_post", a.start, said.headline("in_post", **words), sentence, body.code, key))
            continue
        changes.append(
            Change(
                "appointed",
                a.start,
                said.headline("appointed", **words),
                said.took_seat(a.person.name, seat.label, said.named(name, body.code), a.start),
                body.code,
                f"appointment-{a.pk}-start",
            )
        )
    for a in ended:
        seat, body, day = a.seat, a.seat.body, day_after(a.end) or a.end
        if not a.end_known:
            continue  # not a known departure: a later holder was seen in post (their own entry says so)
        name = scope.name(body.pk, a.end, body.name)  # as on their last day in the seat
        words = {"person": a.person.name, "seat": seat.label, "body": name}
        vacant = said.vacant_on(day, seat.holders_recorded, others.get(a.seat_id, ()))
        sentence = said.left_seat(a.person.name, seat.label, said.named(name, body.code), a.end, vacant=vacant)
        changes.append(
            Change("left", day, said.headline("left", **words), sentence, body.code, f"appointment-{a.pk}-end")
        )
        if vacant:
            key = f"seat-{seat.pk}-vacant-{day.isoformat()}"
            changes.append(Change("vacant", day, said.headline("vacant", **words), sentence, body.code, key))
    return changes


def _seat_changes(scope: Scope, until: datetime.date, limit: int) -> list[Change]:
    created = (
        Seat.history.filter(scope.filter("body_id"), history_type="+")
        .annotate(created_on=TruncDate("history_date"))
        .exclude(Exists(Appointment.objects.filter(seat_id=OuterRef("id"), start__lt=OuterRef("created_on"))))
        .exclude(Q(role__in=STATUTORY_ROLES) & Exists(Organisation.objects.filter(top_board_id=OuterRef("body_id"))))
        .order_by("-history_date", "-history_id")
        .values("id", "label", "history_date", "body_id", "body__code", "body__name")
    )
    changes = []
    for row in scope.first(created, limit, lambda row: (row["body_id"], timezone.localdate(row["history_date"]))):
        day = timezone.localdate(row["history_date"])
        if day <= until:
            body = scope.name(row["body_id"], day, row["body__name"])
            changes.append(
                Change(
                    "seat_created",
                    day,
                    said.headline("seat_created", seat=row["label"], body=body),
                    said.seat_added(row["label"], said.named(body, row["body__code"]), day),
                    row["body__code"],
                    f"seat-{row['id']}-created",
                )
            )
    return changes


def _structure_changes(scope: Scope, until: datetime.date, limit: int) -> list[Change]:
    fields = ("pk", "code", "name", "kind", "opened", "closed")
    ours = scope.filter("pk")
    opened = Organisation.objects.filter(ours, opened__lte=until).order_by("-opened", "-pk").only(*fields)
    closed = Organisation.objects.filter(ours, closed__lt=until).order_by("-closed", "-pk").only(*fields)
    opened = scope.first(opened, limit, lambda org: (org.pk, org.opened))
    closed = scope.first(closed, limit, lambda org: (org.pk, org.closed))  # where it was on its last day
    changes = []
    for org in opened:
        name = scope.name(org.pk, org.opened, org.name)
        changes.append(
            Change(
                "opened",
                org.opened,
                said.headline("opened", name=name, noun=said.noun(org.kind)),
                said.opened(said.named(name, org.code), org.opened, parent=scope.parent_named(org.pk, org.opened)),
                org.code,
                f"organisation-{org.pk}-opened",
            )
        )
    for org in closed:
        name = scope.name(org.pk, org.closed, org.name)  # as on its last day
        changes.append(
            Change(
                "closed",
                day_after(org.closed) or org.closed,
                said.headline("closed", name=name, noun=said.noun(org.kind)),
                said.closed(said.named(name, org.code), org.closed, parent=scope.parent_named(org.pk, org.closed)),
                org.code,
                f"organisation-{org.pk}-closed",
            )
        )
    return changes


def recent_changes(
    system: int | None = None,
    until: datetime.date | None = None,
    limit: int = FEED_LIMIT,
    *,
    version: str | None = None,
):
    """The ``limit`` newest changes by ``until`` of the system (ICB pk) ``system`` (None: every system).

    A change belongs to the system its organisation (or body) was in on the day (``Scope``), in
    England's structure (``as_of``, remembered per data ``version``). Newest first; on one day,
    in the order of ``events.FEED_KINDS``.
    """
    until = until or timezone.localdate()
    scope = Scope(system, as_of.england(version))
    changes = [
        *_appointment_changes(scope, until, limit),
        *_seat_changes(scope, until, limit),
        *_structure_changes(scope, until, limit),
    ]
    changes.sort(key=lambda c: (-c.date.toordinal(), said.FEED_KINDS.index(c.kind), c.key))
    return changes[:limit]
