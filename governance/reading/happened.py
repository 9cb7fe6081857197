"""What happened in a system, or in all England: the one reader of events, for the timeline and the feeds.

``between(system, start, end)`` finds the events of a period (both days included), in date order;
``newest(system, until, limit)`` the ``limit`` newest that took effect by ``until``. ``system`` is
an ICB's pk, or None for England. A system's timeline (``timeline``) lists a period of it, the Atom
feeds (``changes``) the newest of a system or of England: the same events, each told by ``events``
in one sentence with its dates in words. The kinds (``events.KINDS``):

- ``succession``: the system's ICB (or a unit of it) succeeded another or was succeeded, as ODS
  records it ("NHS Mid and South Essex closed; merged into NHS Essex on 1 April 2026");
- ``opened`` / ``closed``: an organisation of the system opened (its first day) or closed (the
  day after its last: the first day without it). What opened (closed) under it the same day,
  or came from (went to) no other system, is counted in ``includes`` (a PCN closing with its
  last practice, an ICB opening with its board); a place opening with its ICB is told;
- ``joined`` / ``left``: a unit came from another system or went to one (a sub-ICB location
  changing ICB, a PCN changing place, the successions of April 2026). What moved with it is
  counted in ``includes``, not listed: a place that joins with its PCNs and practices is one change;
- ``moved``: a unit changed parent within the system (a PCN moving place);
- ``pcn_move``: a practice left one PCN and joined another the same day, in this system or across
  systems ("Alpha Surgery (P84001) moved from Bolton North PCN (U1) to Bolton South PCN (U2)");
  ``pcn_joined`` / ``pcn_left``: a practice joined a PCN from its sub-ICB location, or left one for it;
- ``seat_added``: a seat was added to one of the system's bodies, on the day it was written down
  (its first history row), unless it was recorded late (a holder from before that day: a governance
  file loaded today with holders since 2022 adds nothing) or is a statutory seat of a system's top
  board (``STATUTORY_ROLES``: the board has had it since it opened, so ``scaffold_governance`` adds none);
- ``appointment_ended`` / ``appointment_started`` / ``appointment_seen``: someone left a seat on
  one of the system's bodies (on the day after their last day; ``vacant`` when nobody held the seat
  that day, never when its holders are not recorded; an end no source states is no departure), took
  one, or was seen in post by a source that does not say since when (not an appointment that day).

An event belongs to the system its organisation was in on the event's day, as the structure of
that day says (``domain.england``); a departure (closed, left, an appointment ended), to the one it was in
the day before. Changes to a unit's membership are found by comparing the system's members on the
day before and on the day of each change (the days a unit or link of the system began or ended),
so nothing the structure says is missed and nothing is told twice. England's events are every
system's, an event two systems tell alike (a practice changing PCN between them, a succession) once.

Cost: England's structure and the records beside it (the successions, the seats added: two
queries), each read once per data version, whatever the size of the system, the length of the
period or the number of changes. ``newest`` reads back day by day from ``until`` only as far as it needs.
"""

import datetime
import heapq
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from governance.caching.memo import per_data_version
from governance.domain.composition import REQUIREMENTS
from governance.domain.england import Structure
from governance.models import Appointment, Organisation, Seat, Succession
from governance.reading import as_of
from governance.reading.system_events import Event, Records, SeatAdded, SystemReader

# A top board's seats of these roles are as old as the board (the Act and NHS England's policy
# require them): writing one down is a record of what was, not an NHS event.
STATUTORY_ROLES = sorted({str(requirement.role) for requirement in REQUIREMENTS if requirement.role})


def load_records() -> Records:
    """Every succession, and every seat added that is news (two queries)."""
    successions: dict[datetime.date, list] = defaultdict(list)
    for predecessor, successor, day, type_ in Succession.objects.order_by(
        "date", "predecessor_id", "successor_id"
    ).values_list("predecessor_id", "successor_id", "date", "type"):
        successions[day].append((predecessor, successor, type_))
    created = (
        Seat.history.filter(history_type="+")
        .annotate(created_on=TruncDate("history_date"))
        .exclude(Exists(Appointment.objects.filter(seat_id=OuterRef("id"), start__lt=OuterRef("created_on"))))
        .exclude(Q(role__in=STATUTORY_ROLES) & Exists(Organisation.objects.filter(top_board_id=OuterRef("body_id"))))
        .order_by("history_date", "history_id")
        .values_list("id", "label", "body_id", "history_date")
    )
    seats: dict[int, list[SeatAdded]] = defaultdict(list)
    for seat, label, body, written in created:
        seats[body].append(SeatAdded(seat, label, body, timezone.localdate(written)))
    return Records(dict(successions), dict(seats))


def records(version: str | None = None) -> Records:
    """The successions and seats added: read afresh, or given the data ``version``, once per version per process."""
    return load_records() if version is None else _records(version)


@per_data_version(maxsize=2)
def _records(version: str) -> Records:
    return load_records()


def between(
    system: int | None,
    start: datetime.date,
    end: datetime.date,
    *,
    version: str | None = None,
    structure: Structure | None = None,
) -> list[Event]:
    """The events of ``system`` (an ICB's pk; None: England) from ``start`` to ``end``, both included.

    In date order; on one day in the order of ``events.KINDS``, then by code. England's structure
    is ``structure``, else read by ``as_of.england(version)``.
    """
    structure = structure if structure is not None else as_of.england(version)
    readers = _readers(structure, records(version), system)
    found = _once(event for reader in readers for event in reader.between(start, end))
    return sorted(found, key=lambda event: (event.day, *event.order()))


def newest(
    system: int | None,
    until: datetime.date,
    limit: int,
    *,
    version: str | None = None,
    structure: Structure | None = None,
) -> list[Event]:
    """The ``limit`` newest events of ``system`` (an ICB's pk; None: England) that took effect by ``until``.

    Newest first; on one day in the order of ``events.KINDS``, then by code. Each system is read
    back from ``until`` one day of change at a time, only as far as the newest ``limit`` need.
    """
    structure = structure if structure is not None else as_of.england(version)
    systems = [reader.backwards(until) for reader in _readers(structure, records(version), system)]
    # The newest day still to read is read in every system that has it; a system's older days
    # are read only while fewer than ``limit`` events are found.
    waiting = [(-back.day.toordinal(), index) for index, back in enumerate(systems) if back.day]
    heapq.heapify(waiting)
    found: list[Event] = []
    while waiting and len(found) < limit:
        newest_day = waiting[0][0]
        told = []
        while waiting and waiting[0][0] == newest_day:
            _day, index = heapq.heappop(waiting)
            told += systems[index].read()
            if systems[index].day:
                heapq.heappush(waiting, (-systems[index].day.toordinal(), index))
        found += sorted(_once(told), key=Event.order)
    return found[:limit]


def _readers(structure: Structure, found: Records, system: int | None) -> list[SystemReader]:
    if system is not None:
        return [SystemReader(structure, found, system)]
    systems = sorted((unit for unit in structure.units.values() if unit.is_system), key=lambda unit: unit.code)
    return [SystemReader(structure, found, unit.pk) for unit in systems]


def _once(events: Iterable[Event]) -> list[Event]:
    """Each happening once: two systems tell alike a practice moving between them, and a succession
    (told here from its successor's side)."""
    kept: dict[str, Event] = {}
    for event in events:
        held = kept.get(event.key)
        if held is None or (event.kind == "succession" and event.organisation == event.fields["successor"]):
            kept[event.key] = event
    return list(kept.values())
