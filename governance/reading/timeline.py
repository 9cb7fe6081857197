"""What changed in a system, and when: the timeline an LMC officer briefs their committee from.

``timeline(system, start, end)`` lists what changed in one system between two dates (both
included), each change on the day it took effect, in date order:

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
- ``appointment_ended`` / ``appointment_started``: someone left a seat on one of the system's
  bodies (on the day after their last day; ``vacant`` when nobody held the seat that day) or took one.

Each event's ``text`` is its sentence from ``events`` (where the feeds' sentences come from too).
Everything an event names is named as of the event's day (``Structure.name_on``); a departure (closed,
left), as of the day before: a sub-ICB location renamed on the day it changed ICB leaves its old system
under its old name and joins its new one under its new name.

An event belongs to the system its organisation was in on the event's day, as the structure of
that day says (``as_of``); a departure (closed, left, an appointment ended), to the one it was in
the day before. Changes to a unit's membership are found by comparing the system's members on
the day before and on the day of each change (the days a unit or link of the system began or
ended), so nothing the structure says is missed and nothing is told twice.

Cost: England's structure (read once per data version) and one query for the successions,
whatever the size of the system or the length of the period.
"""

import datetime
import weakref
from collections import Counter, defaultdict

from django.utils import timezone

from governance.domain import dates
from governance.domain.england import Structure, Unit
from governance.models import BODY_KINDS, KIND_NOUNS, Kind, Succession
from governance.reading import as_of
from governance.reading import events as said

ONE_DAY = datetime.timedelta(days=1)
KINDS = said.TIMELINE_KINDS  # every kind of event and its label, in the order told on one day
_ORDER = {kind: index for index, kind in enumerate(KINDS)}
BACKWARDS = "The period starts (%(start)s) after it ends (%(end)s): give a 'from' on or before 'to'."
_OPENED, _CLOSED = "opened", "closed"  # where a unit came from / went to, besides a system


class UnknownSystem(LookupError):
    """No system (an ICB at the root of a tree) has that code or pk."""


class BadPeriod(ValueError):
    """``from`` / ``to`` that make no period. ``parameter`` names the one at fault; ``str()`` is the sentence."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(message)


def year_before(day: datetime.date) -> datetime.date:
    """The first day of the twelve months that end on ``day`` (2026-03-31 → 2025-04-01)."""
    if day.year == datetime.MINYEAR:
        return datetime.date.min
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - 1, day=28)
    return earlier + ONE_DAY


def period(start_text: str | None, end_text: str | None, today: datetime.date | None = None):
    """``?from=`` and ``?to=`` as (start, end): by default the twelve months to today.

    A missing ``to`` is today; a missing ``from``, twelve months before ``to``. Raises BadPeriod
    for a date that is not YYYY-MM-DD (``governance.domain.dates``) or a ``from`` after ``to``.
    """
    end = _date("to", end_text) or today or timezone.localdate()
    start = _date("from", start_text) or year_before(end)
    if start > end:
        raise BadPeriod("from", BACKWARDS % {"start": start, "end": end})
    return start, end


def _date(parameter: str, text: str | None) -> datetime.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dates.parse_date(text)
    except dates.BadDate as error:
        raise BadPeriod(parameter, str(error)) from None


# The systems of a structure by code, found once per structure (a structure is one data version).
_systems: "weakref.WeakKeyDictionary[Structure, dict[str, int]]" = weakref.WeakKeyDictionary()


def find_system(system: str | int, version: str | None = None) -> Unit:
    """The system (ICB at the root of a tree) with code or pk ``system``; UnknownSystem if none.

    No query given the data ``version`` (England's structure is cached for it).
    """
    return _find_system(system, as_of.england(version))


def _find_system(system: str | int, structure: Structure) -> Unit:
    if isinstance(system, int):
        unit = structure.units.get(system)
    else:
        if structure not in _systems:
            _systems[structure] = {unit.code: unit.pk for unit in structure.units.values() if unit.is_system}
        unit = structure.units.get(_systems[structure].get(system))
    if unit is None or not unit.is_system:
        raise UnknownSystem(f"No system (ICB) has the code {system!r}.")
    return unit


def timeline(system: str | int, start: datetime.date, end: datetime.date, version: str | None = None) -> dict:
    """What changed in ``system`` (its ICB's code or pk) from ``start`` to ``end``, both included.

    ``{"system": {"code", "name"}, "from", "to", "count", "counts": {kind: n}, "events": [...]}``,
    the events in date order, each ``{"date", "kind", "text", "organisation": {"code", "name",
    "kind"}, …}`` with the fields of its kind (DESIGN.md, "What changed, when"). Given the data
    ``version``, England's structure comes from this process's cache. Raises UnknownSystem.
    """
    structure = as_of.england(version)
    unit = _find_system(system, structure)
    successions = list(
        Succession.objects.filter(date__gte=start, date__lte=end)
        .order_by("date", "predecessor_id", "successor_id")
        .values_list("predecessor_id", "successor_id", "date", "type")
    )
    events = _Reader(structure, unit.pk).events(start, end, successions)
    events.sort(key=lambda e: (e["date"], _ORDER[e["kind"]], e["organisation"]["code"], e["text"]))
    return {
        "system": {"code": unit.code, "name": structure.name_on(unit.pk, structure.day_seen(unit.pk, end))},
        "from": start.isoformat(),
        "to": end.isoformat(),
        "count": len(events),
        "counts": dict(Counter(e["kind"] for e in events)),
        "events": events,
    }


def by_month(events: list[dict]) -> list[dict]:
    """Events (in date order) grouped by month for the page: ``[{"month": "April 2026", "events"}]``.

    Each event gains its kind's ``label``.
    """
    months: list[dict] = []
    for event in events:
        month = f"{datetime.date.fromisoformat(event['date']):%B %Y}"
        if not months or months[-1]["month"] != month:
            months.append({"month": month, "events": []})
        months[-1]["events"].append({**event, "label": KINDS[event["kind"]]})
    return months


def tally(counts: dict[str, int]) -> list[dict]:
    """A timeline's ``counts`` as ``[{"kind", "label", "count"}]``, in the order of KINDS."""
    return [{"kind": kind, "label": label, "count": counts[kind]} for kind, label in KINDS.items() if kind in counts]


def _after(day: datetime.date | None) -> datetime.date | None:
    """The day after ``day`` (None when there is none)."""
    return day + ONE_DAY if day is not None and day < datetime.date.max else None


class _Reader:
    """The events of one system, read from England's structure (no queries).

    ``day``: the day whose names the events being told use (``events`` sets it: a departure's last day,
    else the event's day).
    """

    def __init__(self, structure: Structure, system: int):
        self.structure = structure
        self.units = structure.units
        self.system = system
        self.day = datetime.date.min

    # --- naming ----------------------------------------------------------------------------

    def name(self, pk: int) -> str:
        """``pk``'s name on the day being told."""
        return self.structure.name_on(pk, self.day)

    def ref(self, pk: int | None) -> dict | None:
        if pk is None:
            return None
        unit = self.units[pk]
        return {"code": unit.code, "name": self.name(pk), "kind": unit.kind}

    def system_ref(self, pk: int | None) -> dict | None:
        return None if pk is None else {"code": self.units[pk].code, "name": self.name(pk)}

    def named(self, pk: int) -> str:
        return said.named(self.name(pk), self.units[pk].code)

    def event(self, day: datetime.date, kind: str, pk: int, text: str, **fields) -> dict:
        return {"date": day.isoformat(), "kind": kind, "text": text, "organisation": self.ref(pk), **fields}

    # --- the days to look at -------------------------------------------------------------------

    def events(self, start: datetime.date, end: datetime.date, successions: list[tuple]) -> list[dict]:
        """Every event from ``start`` to ``end``: the members compared on each day something changed."""
        days: set[datetime.date] = set()
        started: dict[datetime.date, list] = defaultdict(list)
        ended: dict[datetime.date, list] = defaultdict(list)

        def add(day: datetime.date | None) -> None:
            if day is not None and start <= day <= end:
                days.add(day)

        for pk in self.structure._ever_under(self.system):
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
        by_day: dict[datetime.date, list] = defaultdict(list)
        for predecessor, successor, day, type_ in successions:
            by_day[day].append((predecessor, successor, type_))
            days.add(day)
        if not days:
            return []
        days_in_order = sorted(days)
        first = days_in_order[0]
        before = self.structure.members_on(self.system, first - ONE_DAY) if first > datetime.date.min else {}
        found = []
        for day in days_in_order:
            self.day = day
            today = self.structure.members_on(self.system, day)
            told = self.successions(day, by_day.get(day, ()), before, today)
            found += told
            found += self.arrivals(day, before, today)
            succeeded = any(predecessor == self.system for predecessor, _s, _t in by_day.get(day, ()))
            self.day = day - ONE_DAY  # what left (closed) is named as on its last day there
            found += self.departures(day, before, today, succeeded=succeeded)
            self.day = day
            found += self.moves(day, before, today)
            found += self.appointments(day, started.get(day, ()), ended.get(day, ()), before, today)
            before = today
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

    def _pcn_move(self, day, pk, old_pcn, new_pcn, from_system, to_system) -> dict:
        across = None if from_system == to_system else (self.named(from_system), self.named(to_system))
        return self.event(
            day,
            "pcn_move",
            pk,
            said.moved(self.named(pk), self.named(old_pcn), self.named(new_pcn), across=across),
            **{"from": self.ref(old_pcn), "to": self.ref(new_pcn)},
            from_system=self.system_ref(from_system),
            to_system=self.system_ref(to_system),
        )

    def arrivals(self, day: datetime.date, before: dict, today: dict) -> list[dict]:
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
                events.append(self.event(day, "opened", pk, text, parent=self.ref(parent), includes=includes))
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
                    **{"from": self.ref(was_under), "to": self.ref(parent)},
                    from_system=self.system_ref(origin),
                    includes=includes,
                )
            )
        return events

    def departures(self, day: datetime.date, before: dict, today: dict, *, succeeded: bool) -> list[dict]:
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
                events.append(self.event(day, "closed", pk, text, **fields))
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
                    **{"from": self.ref(parent), "to": self.ref(now_under)},
                    to_system=self.system_ref(destination),
                    includes=includes,
                )
            )
        return events

    def moves(self, day: datetime.date, before: dict, today: dict) -> list[dict]:
        """Units in the system on both days whose parent changed: PCN moves, and other moves within it."""
        events = []
        for pk, parent in today.items():
            old = before.get(pk, parent)
            if old == parent:
                continue
            is_practice = self.units[pk].kind == Kind.PRACTICE
            fields = {"from": self.ref(old), "to": self.ref(parent)}
            if is_practice and self._is_pcn(old) and self._is_pcn(parent):
                events.append(self._pcn_move(day, pk, old, parent, self.system, self.system))
            elif is_practice and self._is_pcn(old):
                text = said.pcn_left(self.named(pk), self.named(old), self.named(parent))
                events.append(self.event(day, "pcn_left", pk, text, **fields))
            elif is_practice and self._is_pcn(parent):
                text = said.pcn_joined(self.named(pk), self.named(parent))
                events.append(self.event(day, "pcn_joined", pk, text, **fields))
            else:
                text = said.moved(self.named(pk), self.named(old), self.named(parent))
                events.append(self.event(day, "moved", pk, text, **fields))
        return events

    # --- successions and appointments ----------------------------------------------------------------

    def successions(self, day: datetime.date, rows, before: dict, today: dict) -> list[dict]:
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
                    predecessor=self.ref(predecessor),
                    successor=self.ref(successor),
                    type=type_,
                )
            )
        return events

    def appointments(self, day: datetime.date, started, ended, before: dict, today: dict) -> list[dict]:
        """Appointments on the system's bodies that began on ``day`` or ended the day before."""
        events = []
        for seat, holding in ended:
            person, name, last = holding.person, holding.name, holding.end
            if seat["body_id"] not in before:
                continue
            holders = [(h.start, h.end) for h in self.structure.appointments[seat["pk"]]]
            vacant = said.vacant_on(day, seat["holders_recorded"], holders)
            body = seat["body_id"]
            events.append(
                self.event(
                    day,
                    "appointment_ended",
                    body,
                    said.left_seat(name, seat["label"], self.named(body), last, vacant=vacant),
                    seat={"id": seat["pk"], "label": seat["label"]},
                    person={"id": person, "name": name},
                    last_day=last.isoformat(),
                    vacant=vacant,
                )
            )
        for seat, holding in started:
            person, name = holding.person, holding.name
            if seat["body_id"] not in today:
                continue
            body = seat["body_id"]
            if not holding.start_known:  # a source saw them in post that day; they may have begun earlier
                events.append(
                    self.event(
                        day,
                        "appointment_seen",
                        body,
                        said.in_post(name, seat["label"], self.named(body), day, holding.source),
                        seat={"id": seat["pk"], "label": seat["label"]},
                        person={"id": person, "name": name},
                        source=holding.source,
                    )
                )
                continue
            events.append(
                self.event(
                    day,
                    "appointment_started",
                    body,
                    said.took_seat(name, seat["label"], self.named(body), day),
                    seat={"id": seat["pk"], "label": seat["label"]},
                    person={"id": person, "name": name},
                )
            )
        return events
