"""One system's events, read day by day from England's structure (``domain.england``) and the records beside it.

``SystemReader`` finds what ``happened`` lists for one system: on each day on which something of
the system began or ended (a unit opened or closed, a link began or ended, an appointment began or
ended, a seat was added, a succession), it compares the system's members on the day before and on
the day, so nothing the structure says is missed and nothing is told twice; ``between`` reads a
period forwards, ``backwards`` reads back from a day only as far as asked. Each event is an
``Event``, its sentence from ``events``. No queries.

Everything an event names is named as of the event's day (``Structure.name_on``); a departure (closed,
left), as of the day before: a sub-ICB location renamed on the day it changed ICB leaves its old system
under its old name and joins its new one under its new name.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from governance.domain.dates import day_before
from governance.domain.england import Structure
from governance.models import BODY_KINDS, KIND_NOUNS, Kind
from governance.reading import events as said
from governance.reading.as_of import holder_name

ONE_DAY = datetime.timedelta(days=1)
ORDER = {kind: index for index, kind in enumerate(said.KINDS)}
_OPENED, _CLOSED = "opened", "closed"  # where a unit came from / went to, besides a system


@dataclass(frozen=True, eq=False)
class Event:
    """One change on the day it took effect, as the timeline's JSON gives it (``as_json``), and what the feeds need."""

    day: datetime.date
    kind: str
    text: str  # its sentence (``events``)
    organisation: dict  # {"code", "name", "kind"}: the unit, an appointment's or a seat's body
    fields: dict  # the fields of its kind (DESIGN.md, "What changed, when"), JSON-ready
    key: str  # which happening: the same in every system's account that tells it
    system: dict  # {"code", "name"}: the system whose account tells it
    appointment: tuple | None = None  # (seat pk, person pk, start): the appointment it is of

    def as_json(self) -> dict:
        """As the timeline gives it: ``{"date", "kind", "text", "organisation", …}`` and its kind's fields."""
        return {
            "date": self.day.isoformat(),
            "kind": self.kind,
            "text": self.text,
            "organisation": self.organisation,
            **self.fields,
        }

    def order(self) -> tuple:
        """Its place among the events of its day: by kind (``events.KINDS``), then code, then sentence."""
        return ORDER[self.kind], self.organisation["code"], self.text


class SeatAdded(NamedTuple):
    """A seat added that is news (``happened.load_records``): on ``day``, the day it was written down."""

    seat: int
    label: str
    body: int
    day: datetime.date


class Records(NamedTuple):
    """What the events need besides England's structure (``domain.england``), by day and by body."""

    successions: dict[datetime.date, list[tuple[int, int, str]]]  # day → (predecessor, successor, type)
    seats_added: dict[int, list[SeatAdded]]  # body pk → the seats added to it that are news


def _after(day: datetime.date | None) -> datetime.date | None:
    """The day after ``day`` (None when there is none)."""
    return day + ONE_DAY if day is not None and day < datetime.date.max else None


class _Plan(NamedTuple):
    """The days of a period on which something of a system may have changed, and what began or ended on each."""

    days: list[datetime.date]
    started: dict[datetime.date, list]  # (seat, Holding)
    ended: dict[datetime.date, list]  # (seat, Holding), on the day after the last
    added: dict[datetime.date, list[SeatAdded]]
    successions: dict[datetime.date, list[tuple[int, int, str]]]


class SystemReader:
    """The events of one system, read from England's structure and the records beside it (no queries).

    ``named_on``: the day whose names the events being told use (``on`` sets it: a departure's last
    day, else the event's day).
    """

    def __init__(self, structure: Structure, found: Records, system: int):
        self.structure = structure
        self.units = structure.units
        self.records = found
        self.system = system
        self.named_on = datetime.date.min

    # --- naming ----------------------------------------------------------------------------

    def name(self, pk: int) -> str:
        """``pk``'s name on the day being told."""
        return self.structure.name_on(pk, self.named_on)

    def ref(self, pk: int | None) -> dict | None:
        if pk is None:
            return None
        unit = self.units[pk]
        return {"code": unit.code, "name": self.name(pk), "kind": unit.kind}

    def system_ref(self, pk: int | None) -> dict | None:
        return None if pk is None else {"code": self.units[pk].code, "name": self.name(pk)}

    def named(self, pk: int) -> str:
        return said.named(self.name(pk), self.units[pk].code)

    def event(self, day, kind, pk, text, key, *, appointment=None, **fields) -> Event:
        told_by = {"code": self.units[self.system].code, "name": self.structure.name_on(self.system, day)}
        return Event(day, kind, text, self.ref(pk), fields, key, told_by, appointment)

    # --- the days to look at -------------------------------------------------------------------

    def plan(self, start: datetime.date, end: datetime.date) -> _Plan:
        """Every day from ``start`` to ``end`` on which something of the system began or ended."""
        days: set[datetime.date] = set()
        started: dict[datetime.date, list] = defaultdict(list)
        ended: dict[datetime.date, list] = defaultdict(list)
        added: dict[datetime.date, list] = defaultdict(list)

        def add(day: datetime.date | None) -> None:
            if day is not None and start <= day <= end:
                days.add(day)

        for pk in self.structure.ever_under(self.system):
            unit = self.units[pk]
            add(unit.opened)
            add(_after(unit.closed))
            for span in self.structure.spans.get(pk, ()):
                add(span.start)
                add(_after(span.end))
                parent = self.units[span.parent]  # a practice leaves its PCN for its place when the PCN closes
                add(parent.opened)
                add(_after(parent.closed))
            for seat in self.structure.seats.get(pk, ()):
                for holder in self.structure.appointments.get(seat["pk"], ()):
                    first, last = holder.start, holder.end if holder.end_known else None
                    if start <= first <= end:
                        started[first].append((seat, holder))
                        days.add(first)
                    if (following := _after(last)) is not None and start <= following <= end:
                        ended[following].append((seat, holder))
                        days.add(following)
            for seat in self.records.seats_added.get(pk, ()):
                if start <= seat.day <= end:
                    added[seat.day].append(seat)
                    days.add(seat.day)
        successions = {day: rows for day, rows in self.records.successions.items() if start <= day <= end}
        days.update(successions)
        return _Plan(sorted(days), started, ended, added, successions)

    def between(self, start: datetime.date, end: datetime.date) -> list[Event]:
        """Every event from ``start`` to ``end``: the members compared on each day something changed."""
        plan = self.plan(start, end)
        if not plan.days:
            return []
        first = plan.days[0]
        before = self.structure.members_on(self.system, first - ONE_DAY) if first > datetime.date.min else {}
        found = []
        for day in plan.days:
            today = self.structure.members_on(self.system, day)
            found += self.on(day, plan, before, today)
            before = today
        return found

    def backwards(self, until: datetime.date) -> "Backwards":
        """The system's days of change up to ``until``, to be read newest first, one at a time."""
        return Backwards(self, self.plan(datetime.date.min, until))

    def on(self, day: datetime.date, plan: _Plan, before: dict, today: dict) -> list[Event]:
        """The events of ``day``, given the system's members the day before and on the day."""
        rows = plan.successions.get(day, ())
        self.named_on = day
        found = self.successions(day, rows, before, today)
        found += self.arrivals(day, before, today)
        succeeded = any(predecessor == self.system for predecessor, _s, _t in rows)
        self.named_on = day_before(day) or day  # what left (closed) is named as on its last day there
        found += self.departures(day, before, today, succeeded=succeeded)
        self.named_on = day
        found += self.moves(day, before, today)
        found += self.seats_added(day, plan.added.get(day, ()), today)
        found += self.appointments(day, plan.started.get(day, ()), plan.ended.get(day, ()), before, today)
        return found

    # --- units ---------------------------------------------------------------------------------

    def _folded(self, moving: dict[int, object], parents: dict[int, int | None]) -> dict[int, Counter]:
        """Which moving units are told as their own event, and what each carries with it.

        A unit is carried by its parent (counted in the parent's ``includes``) when the parent
        moves the same day the same way: from (or to) the same system, or both open (close) that
        day, though a system carries only its bodies so (a place that closes with its ICB is
        told); a unit from (to) no system goes with a parent that opens (closes). So a place
        joins with its PCNs and practices, an ICB opens with its board, and a PCN from another
        system arriving in a place that opens that day is told on its own.
        """
        told: dict[int, Counter] = {}
        carried_by: dict[int, int] = {}

        def carrier(pk: int) -> int:
            if pk in carried_by:
                return carried_by[pk]
            parent = parents.get(pk)
            way = moving[pk]
            if parent in moving:
                parent_way = moving[parent]
                ends = (_OPENED, _CLOSED)
                same = way == parent_way and (
                    way not in ends or parent != self.system or self.units[pk].kind in BODY_KINDS
                )
                if same or (way is None and parent_way in ends):
                    carried_by[pk] = carrier(parent)
                    return carried_by[pk]
            carried_by[pk] = pk
            return pk

        for pk in moving:
            top = carrier(pk)
            told.setdefault(top, Counter())
            if top != pk:
                told[top][self.units[pk].kind] += 1
        return told

    def _includes(self, counts: Counter) -> tuple[dict, str]:
        return {kind: counts[kind] for kind in KIND_NOUNS if counts.get(kind)}, said.carrying(counts)

    def _path(self, old: int | None, new: int | None) -> str:
        """How a unit that changed system moved, unless its parents are the systems themselves (a place)."""
        if old is None or new is None or {self.units[old].kind, self.units[new].kind} == {Kind.ICB}:
            return ""
        return said.moved_path(self.named(old), self.named(new))

    def _is_pcn(self, pk: int | None) -> bool:
        return pk is not None and self.units[pk].kind == Kind.PCN

    def _moved(self, day, kind, pk, text, old, new, **fields) -> Event:
        """A unit's change of parent: one happening whichever system tells it."""
        key = f"organisation-{pk}-{kind}-{day.isoformat()}"
        return self.event(day, kind, pk, text, key, **{"from": self.ref(old), "to": self.ref(new)}, **fields)

    def _pcn_move(self, day, pk, old_pcn, new_pcn, from_system, to_system) -> Event:
        across = None if from_system == to_system else (self.named(from_system), self.named(to_system))
        text = said.moved(self.named(pk), self.named(old_pcn), self.named(new_pcn), across=across)
        return self._moved(
            day,
            "pcn_move",
            pk,
            text,
            old_pcn,
            new_pcn,
            from_system=self.system_ref(from_system),
            to_system=self.system_ref(to_system),
        )

    def arrivals(self, day: datetime.date, before: dict, today: dict) -> list[Event]:
        """Units in the system on ``day`` that were not the day before: opened, or joined."""
        entered = today.keys() - before.keys()
        if not entered:
            return []
        came: dict[int, object] = {}
        for pk in entered:
            if self.units[pk].opened == day:
                came[pk] = _OPENED
            else:
                origin = self.structure.system_on(pk, day - ONE_DAY)
                came[pk] = None if origin in (None, self.system) else origin
        events = []
        for pk, counts in self._folded(came, today).items():
            includes, with_ = self._includes(counts)
            parent = today[pk]
            if came[pk] == _OPENED:
                where = self.named(parent) if parent is not None else None
                text = said.opened(self.named(pk), day, parent=where, includes=with_)
                key = f"organisation-{pk}-opened"
                events.append(self.event(day, "opened", pk, text, key, parent=self.ref(parent), includes=includes))
                continue
            origin = came[pk]
            was_under = self.structure.parent_on(pk, day - ONE_DAY)
            if self._is_pcn(was_under) and self._is_pcn(parent):
                events.append(self._pcn_move(day, pk, was_under, parent, origin, self.system))
                continue
            source = self.named(origin) if origin is not None else None
            path = self._path(was_under, parent)
            events.append(
                self.event(
                    day,
                    "joined",
                    pk,
                    said.joined(self.named(pk), origin=source, path=path, includes=with_),
                    f"organisation-{pk}-joined-{self.units[self.system].code}-{day.isoformat()}",
                    **{"from": self.ref(was_under), "to": self.ref(parent)},
                    from_system=self.system_ref(origin),
                    includes=includes,
                )
            )
        return events

    def departures(self, day: datetime.date, before: dict, today: dict, *, succeeded: bool) -> list[Event]:
        """Units in the system the day before ``day`` that are not on ``day``: closed, or left."""
        exited = before.keys() - today.keys()
        if not exited:
            return []
        last_day = day - ONE_DAY
        went: dict[int, object] = {}
        for pk in exited:
            if self.units[pk].closed == last_day:
                went[pk] = _CLOSED
            else:
                destination = self.structure.system_on(pk, day) if self.structure.is_open(pk, day) else None
                went[pk] = None if destination in (None, self.system) else destination
        events = []
        for pk, counts in self._folded(went, before).items():
            includes, with_ = self._includes(counts)
            parent = before[pk]
            if went[pk] == _CLOSED:
                if pk == self.system and succeeded and all(kind in BODY_KINDS for kind in counts):
                    continue  # the successions say it ("… closed; merged into …"), and its bodies went with it
                where = self.named(parent) if parent is not None else None
                text = said.closed(self.named(pk), last_day, parent=where, includes=with_)
                fields = {"parent": self.ref(parent), "last_day": last_day.isoformat(), "includes": includes}
                events.append(self.event(day, "closed", pk, text, f"organisation-{pk}-closed", **fields))
                continue
            destination = went[pk]
            now_under = self.structure.parent_on(pk, day) if self.structure.is_open(pk, day) else None
            if self._is_pcn(parent) and self._is_pcn(now_under) and destination is not None:
                events.append(self._pcn_move(day, pk, parent, now_under, self.system, destination))
                continue
            target = self.named(destination) if destination is not None else None
            path = self._path(parent, now_under)
            events.append(
                self.event(
                    day,
                    "left",
                    pk,
                    said.left(self.named(pk), destination=target, path=path, includes=with_),
                    f"organisation-{pk}-left-{self.units[self.system].code}-{day.isoformat()}",
                    **{"from": self.ref(parent), "to": self.ref(now_under)},
                    to_system=self.system_ref(destination),
                    includes=includes,
                )
            )
        return events

    def moves(self, day: datetime.date, before: dict, today: dict) -> list[Event]:
        """Units in the system on both days whose parent changed: PCN moves, and other moves within it."""
        events = []
        for pk, parent in today.items():
            old = before.get(pk, parent)
            if old == parent:
                continue
            is_practice = self.units[pk].kind == Kind.PRACTICE
            if is_practice and self._is_pcn(old) and self._is_pcn(parent):
                events.append(self._pcn_move(day, pk, old, parent, self.system, self.system))
            elif is_practice and self._is_pcn(old):
                text = said.pcn_left(self.named(pk), self.named(old), self.named(parent))
                events.append(self._moved(day, "pcn_left", pk, text, old, parent))
            elif is_practice and self._is_pcn(parent):
                text = said.pcn_joined(self.named(pk), self.named(parent))
                events.append(self._moved(day, "pcn_joined", pk, text, old, parent))
            else:
                text = said.moved(self.named(pk), self.named(old), self.named(parent))
                events.append(self._moved(day, "moved", pk, text, old, parent))
        return events

    # --- successions, seats and appointments -------------------------------------------------------

    def successions(self, day: datetime.date, rows, before: dict, today: dict) -> list[Event]:
        """The successions of ``day`` whose predecessor was in the system the day before, or successor is on it."""
        events = []
        for predecessor, successor, type_ in rows:
            if predecessor in before or predecessor == self.system:
                ours = predecessor
            elif successor in today or successor == self.system:
                ours = successor
            else:
                continue
            closed = self.units[predecessor].closed == day - ONE_DAY
            text = said.succession(self.named(predecessor), self.named(successor), day, type_, closed=closed)
            events.append(
                self.event(
                    day,
                    "succession",
                    ours,
                    text,
                    f"succession-{predecessor}-{successor}-{day.isoformat()}",
                    predecessor=self.ref(predecessor),
                    successor=self.ref(successor),
                    type=type_,
                )
            )
        return events

    def seats_added(self, day: datetime.date, added: Iterable[SeatAdded], today: dict) -> list[Event]:
        """The seats that are news added on ``day`` to bodies of the system that day."""
        return [
            self.event(
                day,
                "seat_added",
                seat.body,
                said.seat_added(seat.label, self.named(seat.body), day),
                f"seat-{seat.seat}-created",
                seat={"id": seat.seat, "label": seat.label},
            )
            for seat in added
            if seat.body in today
        ]

    def appointments(self, day: datetime.date, started, ended, before: dict, today: dict) -> list[Event]:
        """Appointments on the system's bodies that began on ``day`` or ended the day before."""
        events = []
        for seat, holding in ended:
            body, person, name, last = seat["body_id"], holding.person, holding.name, holding.end
            shown = holder_name(holding._asdict())  # "(acting)" after the name when acting
            if body not in before:
                continue
            holders = [(h.start, h.end) for h in self.structure.appointments[seat["pk"]]]
            vacant = said.vacant_on(day, seat["holders_recorded"], holders)
            which = (seat["pk"], person, holding.start)
            events.append(
                self.event(
                    day,
                    "appointment_ended",
                    body,
                    said.left_seat(shown, seat["label"], self.named(body), last, vacant=vacant),
                    "appointment-{}-{}-{}-end".format(*which),
                    appointment=which,
                    seat={"id": seat["pk"], "label": seat["label"]},
                    person={"id": person, "name": name},
                    last_day=last.isoformat(),
                    vacant=vacant,
                )
            )
        for seat, holding in started:
            body, person, name = seat["body_id"], holding.person, holding.name
            shown = holder_name(holding._asdict())
            if body not in today:
                continue
            which = (seat["pk"], person, holding.start)
            key = "appointment-{}-{}-{}-start".format(*which)
            fields = {"seat": {"id": seat["pk"], "label": seat["label"]}, "person": {"id": person, "name": name}}
            if not holding.start_known:  # a source saw them in post that day; they may have begun earlier
                text = said.in_post(shown, seat["label"], self.named(body), day, holding.source)
                fields["source"] = holding.source
                events.append(self.event(day, "appointment_seen", body, text, key, appointment=which, **fields))
                continue
            text = said.took_seat(shown, seat["label"], self.named(body), day)
            events.append(self.event(day, "appointment_started", body, text, key, appointment=which, **fields))
        return events


class Backwards:
    """One system's days of change read back from the newest, one day at a time, only as far as asked.

    ``day`` is the next day to read (None: none left), known before any is read; ``read()`` tells
    its events (perhaps none) and moves to the day before.
    """

    def __init__(self, reader: SystemReader, plan: _Plan):
        self.reader = reader
        self.plan = plan
        self.left = len(plan.days)
        self.today: dict | None = None  # the members on the next day to read, once known

    @property
    def day(self) -> datetime.date | None:
        return self.plan.days[self.left - 1] if self.left else None

    def read(self) -> list[Event]:
        day, structure, system = self.day, self.reader.structure, self.reader.system
        if self.today is None:
            self.today = structure.members_on(system, day)
        before = structure.members_on(system, day - ONE_DAY) if day > datetime.date.min else {}
        told = self.reader.on(day, self.plan, before, self.today)
        self.left -= 1
        self.today = before  # nothing changes between two days of the plan: the earlier day's members are these
        return told
