"""England's structure of a date: every unit and dated link, asked about any day, in memory.

The MPTT tree is the structure of today. The past (and a change falling due tomorrow) is in
the dated links (``Link``) and the organisations' opening and closing dates. ``Structure.load``
reads all of them, with every seat, appointment and dated name (five queries), and a ``Structure``
answers in memory. Reading keeps one per data version (``governance.reading.as_of.england``); the domain
reads one afresh to bring today's tree into line with the links (``links.due_moves``).

Where a unit sits on a day is decided by the one rule of links (``domain.links``), here for
every unit at once:

- ``parent_on(pk, d)``: a unit the ODS import keeps, with links, sits under its link parent of
  that day (``links.parent_link_on``); anything else (bodies, rows governance keeps) under its
  tree parent; ``placing_link`` is the link that places it when shown for a day (a closed unit on
  its last day), with how exact its ends are and its source, and ``tree_parent_today`` where
  today's tree puts it (``links.tree_parent``, the importer's rule too);
- ``system_on(pk, d)``: the ICB its parents reach that day (None: in no system that day);
- ``members_on(system, d)``: every organisation open that day whose system that day it is;
- seats and appointments by body and seat, so a system's graph is built without a query;
- ``name_on(pk, d)``: a unit's name on that day (``OrganisationName``, by ``name_of_day``: the one rule,
  which reading's pages and API detail use too); ``Unit.name`` is today's;
- ``change_key(system, d)``: the last day on or before ``d`` on which anything in that system
  changed (a unit opened or closed, a link began or ended, an appointment began or ended, a unit
  was renamed). Two dates with the same key see the same system, names included, so caches key
  by it, not by the date: the structure changes on few days.
"""

import bisect
import copy
import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import F

from governance.domain.dates import day_after
from governance.domain.links import Span, parent_link_on, placing_link, tree_parent
from governance.domain.periods import Period
from governance.models import Appointment, Kind, Link, Organisation, OrganisationName, Seat, Source

# How far up a chain of parents can go (practice → PCN → place → ICB, bodies a few more).
MAX_DEPTH = 64
# A unit's state on a day in ``Structure.members_by_change``: closed (or not yet open), and not yet asked.
_CLOSED, _UNSET = object(), object()
# What the structure keeps of each seat: the fields of ``reading.graph.SeatView``.
SEAT_FIELDS = (
    "pk", "body_id", "label", "role", "sector", "represents_id", "selection", "delegate", "voting",
    "max_holders", "portfolio", "holders_recorded", "mental_health",
)  # fmt: skip


class Holding(NamedTuple):
    """One appointment as the structure keeps it (``Appointment``'s fields)."""

    person: int
    name: str
    start: datetime.date  # from, or the day a source saw them in post (start_known false)
    end: datetime.date | None
    source: str
    start_known: bool
    end_known: bool
    seen: datetime.date | None
    acting: bool = False  # the source names them as acting in the seat


class Name(NamedTuple):
    """One name a unit bore from ``start`` to ``end`` (``OrganisationName``'s fields; None: open-ended)."""

    name: str
    start: datetime.date | None
    end: datetime.date | None
    source: str


def name_of_day(names, day: datetime.date, default: str) -> str:
    """The name among ``names`` (``Name``s, or anything with ``name``, ``start`` and ``end``) that holds on
    ``day`` (``Period``'s rule), else ``default`` (the stored name: today's, or the only one)."""
    return next((name.name for name in names if Period(name.start, name.end).holds_on(day)), default)


@dataclass(frozen=True, slots=True)
class Unit:
    """One organisation as the structure needs it (units and bodies alike)."""

    pk: int
    code: str
    name: str  # today's (``Structure.name_on`` gives the name of a day)
    kind: str
    opened: datetime.date | None
    closed: datetime.date | None
    tree_parent: int | None
    follows_links: bool  # kept by the ODS import: its links, not its tree parent, say where it was
    top_board: int | None
    illustrative: bool
    governance_source: str
    verified_on: datetime.date | None
    routes_recorded: bool | None = None  # said by a system or a place (domain.routes); None: not said

    @property
    def period(self) -> Period:
        return Period(self.opened, self.closed)

    def is_open_on(self, date: datetime.date) -> bool:
        return self.period.holds_on(date)

    @property
    def is_system(self) -> bool:
        return self.kind == Kind.ICB and self.tree_parent is None


class Structure:
    """Every organisation and link of one data version, asked about any date."""

    def __init__(
        self,
        units: dict[int, Unit],
        spans: dict[int, list[Span]],
        seats: dict[int, list[dict]] | None = None,
        appointments: dict[int, list[Holding]] | None = None,
        names: dict[int, list[Name]] | None = None,
    ):
        self.units = units
        self.spans = spans
        self.names = names or {}  # pk → its dated names, earliest first (only units ever renamed have any)
        self.children_ever: dict[int, set[int]] = defaultdict(set)
        for unit in units.values():
            if unit.tree_parent is not None:
                self.children_ever[unit.tree_parent].add(unit.pk)
        for child, child_spans in spans.items():
            for span in child_spans:
                self.children_ever[span.parent].add(child)
        self._candidates: dict[int, frozenset[int]] = {}
        self._seated(seats or {}, appointments or {})

    def _seated(self, seats: dict[int, list[dict]], appointments: dict[int, list[Holding]]) -> None:
        """Take ``seats`` and ``appointments`` as this structure's (and forget the change days they move)."""
        self.seats = seats  # body pk → its seats (dicts of SeatView's fields), by label
        self.appointments = appointments  # seat pk → its Holdings, by start, name
        self._appointment_days: dict[int, set] = defaultdict(set)  # body pk → days its holders changed
        for body, body_seats in seats.items():
            for seat in body_seats:
                for holding in appointments.get(seat["pk"], ()):
                    self._appointment_days[body].add(holding.start)
                    if holding.end is not None:
                        self._appointment_days[body].add(day_after(holding.end))
        self._days: dict[int, list[datetime.date]] = {}

    def with_governance(self, seats: dict[int, list[dict]], appointments: dict[int, list[Holding]]) -> "Structure":
        """This structure's organisations and links, and what is worked out from them alone (shared, never
        changed), with ``seats`` and ``appointments`` (``read_governance``) in place of its own.

        A seat or holder edit changes no organisation: a reader keeps the organisations (three queries and
        most of the time of ``load``) and reads the seats and holders alone again.
        """
        other = copy.copy(self)
        other._seated(seats, appointments)
        return other

    @classmethod
    def load(cls, *, governance: bool = True) -> "Structure":
        """Read every organisation, link, dated name, seat and appointment (five queries); without ``governance``,
        the organisations, links and names alone (three: enough to place and name units, not to show their seats)."""
        units = {
            row[0]: Unit(
                pk=row[0],
                code=row[1],
                name=row[2],
                kind=row[3],
                opened=row[4],
                closed=row[5],
                tree_parent=row[6],
                follows_links=row[7] == Source.ODS,
                top_board=row[8],
                illustrative=row[9],
                governance_source=row[10],
                verified_on=row[11],
                routes_recorded=row[12],
            )
            for row in Organisation.objects.order_by().values_list(
                "pk", "code", "name", "kind", "opened", "closed", "parent_id", "source",
                "top_board_id", "illustrative", "governance_source", "verified_on", "routes_recorded",
            )
        }  # fmt: skip
        spans: dict[int, list[Span]] = defaultdict(list)
        sources: dict[str, str] = {}  # one string per file named: England's links come from a few dozen
        for child, relation, parent, start, end, start_exact, end_exact, source in Link.objects.order_by(
            "child_id", "start"
        ).values_list("child_id", "relation", "parent_id", "start", "end", "start_exact", "end_exact", "source"):
            source = sources.setdefault(source, source)
            spans[child].append(Span(child, relation, parent, start, end, start_exact, end_exact, source))
        names: dict[int, list[Name]] = defaultdict(list)
        rows = OrganisationName.objects.order_by("organisation_id", F("start").asc(nulls_first=True))
        for pk, *name in rows.values_list("organisation_id", "name", "start", "end", "source"):
            names[pk].append(Name(*name))
        seated = cls.read_governance() if governance else ()
        return cls(units, dict(spans), *seated, names=dict(names))

    @staticmethod
    def read_governance() -> tuple[dict[int, list[dict]], dict[int, list[Holding]]]:
        """Every seat by body, and every appointment by seat (two queries): ``with_governance``'s arguments."""
        seats: dict[int, list[dict]] = defaultdict(list)
        for row in Seat.objects.order_by("label", "pk").values(*SEAT_FIELDS):
            seats[row["body_id"]].append(row)
        appointments: dict[int, list[Holding]] = defaultdict(list)
        for seat, *holder in Appointment.objects.order_by("start", "person__name", "pk").values_list(
            "seat_id",
            "person_id",
            "person__name",
            "start",
            "end",
            "source",
            "start_known",
            "end_known",
            "seen",
            "acting",
        ):
            appointments[seat].append(Holding(*holder))
        return dict(seats), dict(appointments)

    # --- one organisation -------------------------------------------------------------

    def is_open(self, pk: int, date: datetime.date) -> bool:
        return self.units[pk].is_open_on(date)

    def name_on(self, pk: int, date: datetime.date) -> str:
        """``pk``'s name on ``date``: its dated name of that day (``name_of_day``), else its stored name."""
        names = self.names.get(pk)
        return name_of_day(names, date, self.units[pk].name) if names else self.units[pk].name

    def names_of(self, pk: int) -> list[Name]:
        """``pk``'s dated names, earliest first, with their dates and sources (none: never renamed, its stored
        name holds on every day)."""
        return self.names.get(pk, [])

    def _parent_open(self, parent: int, day: datetime.date) -> bool:
        return self.units[parent].is_open_on(day)

    def _link_spans(self, pk: int) -> list[Span] | None:
        """``pk``'s links when they place it (a unit the ODS import keeps), else None (its tree parent does)."""
        spans = self.spans.get(pk)
        return spans if spans and self.units[pk].follows_links else None

    def parent_on(self, pk: int, date: datetime.date) -> int | None:
        """The parent of organisation ``pk`` on ``date`` (None: a root, or in nothing that day)."""
        spans = self._link_spans(pk)
        if spans is None:
            return self.units[pk].tree_parent
        link = parent_link_on(self.units[pk].kind, spans, date, self._parent_open)
        return link.parent if link else None

    def placing_link(self, pk: int, date: datetime.date) -> Span | None:
        """The link that places ``pk`` when shown for ``date`` (on its ``day_seen``: ``links.placing_link``):
        the one whose parent ``placed_on`` gives; None when its tree parent places it."""
        spans = self._link_spans(pk)
        unit = self.units[pk]
        return placing_link(unit.kind, spans, unit.period, date, self._parent_open) if spans else None

    def tree_parent_today(self, pk: int, today: datetime.date) -> int | None:
        """Where today's tree puts ``pk`` by its links (``links.tree_parent``); None when its tree parent
        places it (no links, or governance keeps it)."""
        spans = self._link_spans(pk)
        unit = self.units[pk]
        return tree_parent(unit.kind, spans, unit.period, today, self._parent_open) if spans else None

    def system_on(self, pk: int, date: datetime.date) -> int | None:
        """The pk of the ICB that ``pk``'s parents reach on ``date``, or None."""
        node = pk
        for _ in range(MAX_DEPTH):
            parent = self.parent_on(node, date)
            if parent is None:
                return node if self.units[node].is_system else None
            if not self.is_open(parent, date):
                return None  # its parent had not opened, or had closed: in no system that day (as members_on)
            node = parent
        return None  # a cycle: the tree check reports it; here it is in no system

    def tree_root(self, pk: int) -> int:
        """The root of ``pk``'s tree today (its system today, or itself)."""
        node = pk
        for _ in range(MAX_DEPTH):
            parent = self.units[node].tree_parent
            if parent is None:
                return node
            node = parent
        return node

    def system_or_root(self, pk: int, date: datetime.date) -> int:
        """The system ``pk`` was in on ``date``; if in none, the root of its tree today."""
        return self.system_on(pk, date) or self.tree_root(pk)

    def day_seen(self, pk: int, date: datetime.date) -> datetime.date:
        """The day on which ``pk`` is placed when asked about ``date``: ``date`` while it was open;
        its last day once it had closed; its first day before it opened (``Period.clamp``).

        A closed practice is shown where it was on its last day (as today's tree keeps it).
        """
        return self.units[pk].period.clamp(date)

    def placed_on(self, pk: int, date: datetime.date) -> tuple[int | None, int | None]:
        """(parent, system) of ``pk`` as shown for ``date``: on its ``day_seen``; a system is its own."""
        day = self.day_seen(pk, date)
        return self.parent_on(pk, day), self.system_on(pk, day)

    def ancestors_on(self, pk: int, date: datetime.date) -> list[int]:
        """The parents of ``pk`` on its ``day_seen`` of ``date``, its root first (empty for a root, or in nothing)."""
        day = self.day_seen(pk, date)
        chain: list[int] = []
        node = self.parent_on(pk, day)
        while node is not None and node not in chain and len(chain) < MAX_DEPTH:
            chain.append(node)
            node = self.parent_on(node, day)
        return chain[::-1]

    def children_on(self, pk: int, date: datetime.date, *, closed: bool = False) -> list[int]:
        """The organisations directly under ``pk`` on ``date``: those open that day whose parent that day
        is ``pk``; with ``closed``, also those closed by then whose parent on their last day was ``pk``.

        Never those not yet open. In no particular order.
        """
        children = []
        for child in self.children_ever.get(pk, ()):
            unit = self.units[child]
            if unit.opened is not None and unit.opened > date:
                continue
            if unit.closed is not None and unit.closed < date:
                if closed and self.parent_on(child, unit.closed) == pk:
                    children.append(child)
            elif self.parent_on(child, date) == pk:
                children.append(child)
        return children

    def link_parent_on(self, pk: int, relation: str, date: datetime.date) -> int | None:
        """The parent of ``pk``'s link of ``relation`` in force on ``date``, or None."""
        return next((s.parent for s in self.spans.get(pk, ()) if s.relation == relation and s.holds_on(date)), None)

    def ever_under(self, system: int) -> frozenset[int]:
        """Every organisation that is, was or will be in ``system`` on some day (a superset: check the day)."""
        return self._ever_under(system)

    # --- one system ---------------------------------------------------------------------

    def _ever_under(self, system: int) -> frozenset[int]:
        """Every organisation that is, was or will be under ``system`` on some day (a superset)."""
        if system not in self._candidates:
            seen, frontier = {system}, [system]
            while frontier:
                node = frontier.pop()
                for child in self.children_ever.get(node, ()):
                    if child not in seen:
                        seen.add(child)
                        frontier.append(child)
            self._candidates[system] = frozenset(seen)
        return self._candidates[system]

    def members_on(self, system: int, date: datetime.date) -> dict[int, int | None]:
        """Every organisation open on ``date`` in ``system`` that day, with its parent that day (pk → parent pk)."""
        if system not in self.units or not self.is_open(system, date):
            return {}
        members: dict[int, int | None] = {system: None}
        verdict: dict[int, bool] = {system: True}

        def inside(pk: int) -> bool:
            chain = []
            node = pk
            while node not in verdict and len(chain) < MAX_DEPTH:
                chain.append(node)
                parent = self.parent_on(node, date) if self.is_open(node, date) else None
                if parent is None:
                    node = None
                    break
                node = parent
            answer = verdict.get(node, False) if node is not None else False
            for link in chain:
                verdict[link] = answer
            return answer

        for pk in self._ever_under(system):
            if pk != system and self.is_open(pk, date) and inside(pk):
                members[pk] = self.parent_on(pk, date)
        return members

    def members_by_change(self, system: int) -> list[tuple[datetime.date, dict[int, int | None]]]:
        """``members_on(system, day)`` for each of ``change_days(system)``, worked out in one sweep.

        Asking ``members_on`` day by day asks every candidate's parent on every day; a unit's parent
        and opening change only on its own few days, so each is asked on those alone, and each day's
        members are found downwards from the system through that day's children. A day whose members
        are the previous day's shares its mapping (the same dict: read it, never change it).
        """
        days = self.change_days(system)
        if system not in self.units or not days:
            return []
        index = {day: i for i, day in enumerate(days)}
        moves: list[list[tuple[int, int | object | None]]] = [[] for _ in days]
        for pk in self._ever_under(system):
            last = _UNSET
            for day in sorted({days[0], *self._own_days(pk)}):
                state = self.parent_on(pk, day) if self.is_open(pk, day) else _CLOSED
                if state != last:
                    moves[index[day]].append((pk, state))
                    last = state
        parent_now: dict[int, object] = {}
        children: dict[int, set[int]] = defaultdict(set)
        found: list[tuple[datetime.date, dict[int, int | None]]] = []
        members: dict[int, int | None] = {}
        for day, moved in zip(days, moves, strict=True):
            for pk, state in moved:
                old = parent_now.get(pk)
                if old is not None and old is not _CLOSED:
                    children[old].discard(pk)
                parent_now[pk] = state
                if state is not None and state is not _CLOSED:
                    children[state].add(pk)
            if moved or not found:
                now = self._reached_from(system, children) if parent_now.get(system) is not _CLOSED else {}
                if now != members or not found:  # moves elsewhere (a PCN of another system) leave it as it was
                    members = now
            found.append((day, members))
        return found

    def _own_days(self, pk: int) -> set[datetime.date]:
        """The days on which ``pk``'s parent or opening can change (a subset of its systems' change days)."""
        unit = self.units[pk]
        days = {unit.opened, unit.closed and day_after(unit.closed)}
        for span in self.spans.get(pk, ()):
            parent = self.units[span.parent]
            days |= {span.start, span.end and day_after(span.end)}
            days |= {parent.opened, parent.closed and day_after(parent.closed)}  # a closed PCN lets its practices go
        days.discard(None)
        return days

    def _reached_from(self, system: int, children: dict[int, set[int]]) -> dict[int, int | None]:
        """Every open unit whose open parents lead up to ``system``, with its parent: ``members_on``'s
        answer, in its order (pages list some things in the graph's order)."""
        reached: dict[int, int | None] = {system: None}
        frontier = [system]
        while frontier:
            node = frontier.pop()
            for child in children.get(node, ()):
                if child not in reached:
                    reached[child] = node
                    frontier.append(child)
        members = {system: None}
        members.update((pk, reached[pk]) for pk in self._ever_under(system) if pk in reached and pk != system)
        return members

    def change_days(self, system: int) -> list[datetime.date]:
        """The days on which something in ``system`` changed, in order."""
        if system not in self._days:
            days = set()
            for pk in self._ever_under(system):
                unit = self.units[pk]
                if unit.opened:
                    days.add(unit.opened)
                if unit.closed:
                    days.add(day_after(unit.closed))
                for span in self.spans.get(pk, ()):
                    if span.start:
                        days.add(span.start)
                    if span.end:
                        days.add(day_after(span.end))
                    # A parent's opening and closing move the unit too (a practice whose PCN closes
                    # falls back to its sub-ICB), even when that parent is in another system.
                    parent = self.units[span.parent]
                    if parent.opened:
                        days.add(parent.opened)
                    if parent.closed:
                        days.add(day_after(parent.closed))
                days.update(self._appointment_days.get(pk, ()))
                days.update(self._name_days(pk))
            days.discard(None)  # the day after the calendar's last: nothing follows it
            self._days[system] = sorted(days)
        return self._days[system]

    def _name_days(self, pk: int) -> set[datetime.date | None]:
        """The days on which ``pk`` took a name (None among them: a name with no start, or to the last day)."""
        return {day for name in self.names.get(pk, ()) for day in (name.start, name.end and day_after(name.end))}

    def renaming_days(self, system: int) -> set[datetime.date]:
        """The days on which a unit that is, was or will be in ``system`` took a new name (few: names are few)."""
        under = self._ever_under(system)
        return {day for pk in self.names if pk in under for day in self._name_days(pk)} - {None}

    def change_key(self, system: int, date: datetime.date) -> datetime.date:
        """The last day on or before ``date`` on which ``system`` changed (date.min if none)."""
        days = self.change_days(system)
        index = bisect.bisect_right(days, date)
        return days[index - 1] if index else datetime.date.min

    # --- England ------------------------------------------------------------------------

    def systems_on(self, date: datetime.date) -> list[Unit]:
        """The ICBs open on ``date``, by name."""
        return sorted(
            (unit for unit in self.units.values() if unit.is_system and unit.is_open_on(date)),
            key=lambda unit: (unit.name, unit.code),
        )

    def first_opening(self) -> datetime.date | None:
        """The day the first system opened (1 July 2022 for England's ICBs)."""
        return min((unit.opened for unit in self.units.values() if unit.is_system and unit.opened), default=None)
