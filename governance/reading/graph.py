"""A system's graph at a date, and the representation path through it up to the top board.

A graph over one system's organisations open at a date, with three kinds of edge
(DESIGN.md, "The representation path"):

- ``member_of``: a unit to its parent unit (practice → PCN → place → ICB);
- ``seat``: an organisation C to a body B, when a seat on B represents C (vacant, or its holders
  not recorded, or not);
- ``reports_to``: a body to its parent, when that parent is a body too.

There is no edge from a unit to its own board and none through sector seats;
the top board's sector seats are reported beside the path. The path is a
shortest one; among those, more delegate seats win, then fewer vacant hops, then
the codes along the way in alphabetical order. A hop through a seat whose holders are
not recorded is not known to be empty, so the tie-break counts it as not vacant (as a
filled one); it still makes the path not ``complete``, which needs every seat on the way
known to be held.

``SystemGraph.load`` reads a system in a fixed number of queries (its tree, its
seats, the appointments current at the date); paths are then found in memory,
so one graph serves any number of paths of that system at that date.
"""

import copy
import datetime
from dataclasses import dataclass, field

from governance.domain import routes
from governance.domain.england import Structure
from governance.domain.periods import Period, unknown_on
from governance.models import BODY_KINDS, UNIT_KINDS
from governance.reading import as_of, memberships

MEMBER_OF, SEAT, REPORTS_TO = "member_of", "seat", "reports_to"
# Each kind of hop in words, read upwards ("Bolton has a seat on GP board"): pages and the command alike.
VIA_TEXT = {MEMBER_OF: "is a member of", SEAT: "has a seat on", REPORTS_TO: "reports to"}


@dataclass(frozen=True)
class Node:
    pk: int
    code: str
    name: str
    kind: str
    parent_id: int | None

    def as_json(self) -> dict:
        return {"code": self.code, "name": self.name, "kind": self.kind}


@dataclass
class SeatView:
    """A seat with the people holding it at the graph's date."""

    pk: int
    body_id: int
    label: str
    role: str
    sector: str
    represents_id: int | None
    selection: str
    delegate: bool
    voting: bool
    max_holders: int
    portfolio: str = ""
    holders_recorded: bool = True  # on the graph's date: false before a holder known only by seen
    mental_health: bool = False
    holders: list[dict] = field(default_factory=list)  # always empty when not recorded

    @property
    def vacant(self) -> bool:
        """Known to be empty: its holders are recorded and nobody holds it. Not recorded is not vacant."""
        return self.holders_recorded and not self.holders

    @property
    def unrecorded(self) -> bool:
        return not self.holders_recorded

    def as_json(self) -> dict:
        data = {
            "label": self.label,
            "role": self.role,
            "selection": self.selection,
            "delegate": self.delegate,
            "voting": self.voting,
            "vacant": self.vacant,
            "holders_recorded": self.holders_recorded,
            "max_holders": self.max_holders,
            "holders": [dict(holder) for holder in self.holders],  # copies: graphs may be cached
        }
        if self.sector:
            data["sector"] = self.sector
        if self.portfolio:
            data["portfolio"] = self.portfolio
        return data


@dataclass(frozen=True)
class Edge:
    target: int
    via: str
    seat: SeatView | None = None

    @property
    def delegate(self) -> int:
        return int(self.seat is not None and self.seat.delegate)

    @property
    def vacant(self) -> int:
        return int(self.seat is not None and self.seat.vacant)

    @property
    def unrecorded(self) -> int:
        return int(self.seat is not None and self.seat.unrecorded)


@dataclass(frozen=True)
class Provenance:
    """Where a system's holders come from: a source, the day last checked against it, and whether invented."""

    illustrative: bool = False
    source: str = ""
    verified: datetime.date | None = None

    @property
    def source_is_link(self) -> bool:
        return self.source.startswith(("https://", "http://"))

    def as_json(self) -> dict:
        return {
            "illustrative": self.illustrative,
            "source": self.source or None,
            "verified": self.verified and self.verified.isoformat(),
        }


class SystemGraph:
    """One system's organisations, seats and current holders at one date."""

    def __init__(
        self,
        date: datetime.date,
        nodes: dict[int, Node],
        seats: list[SeatView],
        top_board_id: int | None,
        provenance: Provenance | None = None,
        routes_said: dict[int, bool] | None = None,
        structure: Structure | None = None,
    ):
        self.date = date
        self.structure = structure  # England's, whose members these are: the layers' parent links
        self.routes_said = routes_said or {}  # pk → routes_recorded, where a system or a place says
        self.provenance = provenance or Provenance()
        self.nodes = nodes
        self.seats = seats
        self.root = next((n for n in nodes.values() if n.parent_id is None), None)
        self.top_board = nodes.get(top_board_id) if top_board_id else None
        self.edges: dict[int, list[Edge]] = {pk: [] for pk in nodes}
        for node in nodes.values():
            parent = nodes.get(node.parent_id)
            if parent is None:
                continue
            if node.kind in UNIT_KINDS and parent.kind in UNIT_KINDS:
                self.edges[node.pk].append(Edge(parent.pk, MEMBER_OF))
            elif node.kind in BODY_KINDS and parent.kind in BODY_KINDS:
                self.edges[node.pk].append(Edge(parent.pk, REPORTS_TO))
        for seat in seats:
            if seat.represents_id in nodes and seat.body_id in nodes:
                self.edges[seat.represents_id].append(Edge(seat.body_id, SEAT, seat))
        self._distance = self._distances_to_top()
        self._best: dict[int, tuple] = {}
        self._recorded: dict[int, bool] = {}

    @classmethod
    def load(cls, system: int, date: datetime.date, *, version: str | None = None) -> "SystemGraph":
        """Read the system whose ICB has pk ``system`` as it stood on ``date`` (the structure's five queries)."""
        return load_graphs([system], date, version=version)[system]

    def on(self, date: datetime.date) -> "SystemGraph":
        """This graph, said to be of ``date``: for a day with the same structure, seats and holders."""
        other = copy.copy(self)
        other.date = date
        return other

    def with_holders(self, date: datetime.date, seats: list[SeatView]) -> "SystemGraph":
        """This graph on ``date``, its seats (the same rows, on the same nodes) holding ``seats``' holders.

        For a day on which only holders changed: the nodes, the hops' shape and the distances
        stay; the seat hops (whose vacancy the route's ranking reads) and the route memo are new.
        """
        other = copy.copy(self)
        other.date, other.seats, other._best = date, seats, {}
        other.edges = dict(self.edges)
        for seat in self.seats:
            if seat.represents_id in self.nodes and seat.body_id in self.nodes:
                other.edges[seat.represents_id] = [edge for edge in self.edges[seat.represents_id] if edge.via != SEAT]
        for seat in seats:
            if seat.represents_id in self.nodes and seat.body_id in self.nodes:
                other.edges[seat.represents_id].append(Edge(seat.body_id, SEAT, seat))
        return other

    def _distances_to_top(self) -> dict[int, int]:
        """Hops from every node to the top board (breadth-first over reversed edges)."""
        if self.top_board is None:
            return {}
        incoming: dict[int, list[int]] = {}
        for source, edges in self.edges.items():
            for edge in edges:
                incoming.setdefault(edge.target, []).append(source)
        distance = {self.top_board.pk: 0}
        frontier = [self.top_board.pk]
        while frontier:
            next_frontier = []
            for node in frontier:
                for source in incoming.get(node, ()):
                    if source not in distance:
                        distance[source] = distance[node] + 1
                        next_frontier.append(source)
            frontier = next_frontier
        return distance

    def _best_route(self, pk: int) -> tuple[tuple, list[Edge]]:
        """The preferred shortest route from ``pk`` to the top, with its ranking key.

        The key sorts better routes first: more delegate seats, fewer vacant hops,
        then the codes (and seat labels) along the way. Each part is additive or
        lexicographic from the start, so the best route from a node extends the
        best route from one of its next hops.
        """
        if pk in self._best:
            return self._best[pk]
        code = self.nodes[pk].code
        if pk == self.top_board.pk:
            result = ((0, 0, (code,), ()), [])
        else:
            candidates = []
            for edge in self.edges[pk]:
                if self._distance.get(edge.target) != self._distance[pk] - 1:
                    continue
                (delegates, vacant, codes, labels), route = self._best_route(edge.target)
                label = edge.seat.label if edge.seat else ""
                key = (delegates - edge.delegate, vacant + edge.vacant, (code, *codes), (label, *labels))
                candidates.append((key, [edge, *route]))
            result = min(candidates, key=lambda c: c[0])
        self._best[pk] = result
        return result

    def routes_recorded(self, pk: int) -> bool:
        """Whether the structure above ``pk`` is recorded: said by the nearest place (or unit) above it
        that says, else by the system, else by the system's own records (``domain.routes``)."""
        if pk in self._recorded:
            return self._recorded[pk]
        node = self.nodes[pk]
        if self.top_board is None:
            recorded = False  # no board: nothing recorded says whether a route exists
        elif node.kind in UNIT_KINDS and pk in self.routes_said:
            recorded = self.routes_said[pk]
        elif node.parent_id in self.nodes:
            recorded = self.routes_recorded(node.parent_id)
        else:  # the root: the system's own records decide when it does not say
            bodies = [(n.code, n.kind) for n in self.nodes.values()]
            top = self.top_board.pk
            represents = any(s.body_id == top and s.represents_id is not None for s in self.seats)
            recorded = routes.recorded_by_default(bodies, self.top_board.code, represents)
        self._recorded[pk] = recorded
        return recorded

    def route(self, pk: int) -> str:
        """``reaches``, ``broken`` or ``not_recorded``: the route of ``pk`` to the top board."""
        return routes.route(pk in self._distance, self.routes_recorded(pk))

    def sector_seats(self) -> list[SeatView]:
        if self.top_board is None:
            return []
        return [s for s in self.seats if s.body_id == self.top_board.pk and s.sector]

    def _parent_link(self, pk: int) -> dict | None:
        """The link that placed ``pk`` under its parent on the graph's date, as API detail gives it (one home:
        ``memberships.parent_link_of``), dates as ISO; None for a body, an ICB, or a graph without a structure."""
        link = memberships.parent_link_of(self.structure, pk, self.date) if self.structure else None
        return link and memberships.iso_dates(link)

    def path(self, pk: int) -> dict:
        """The representation path of organisation ``pk`` as DESIGN.md's JSON shape."""
        origin = self.nodes[pk]
        layers = [{"organisation": origin.as_json(), "via": None, "parent_link": self._parent_link(pk)}]
        reaches_top = pk in self._distance
        vacant_hops = unrecorded_hops = 0
        if reaches_top:
            _key, route = self._best_route(pk)
            for edge in route:
                layer = {"organisation": self.nodes[edge.target].as_json(), "via": edge.via}
                if edge.seat is not None:
                    layer["seat"] = edge.seat.as_json()
                    vacant_hops += edge.vacant
                    unrecorded_hops += edge.unrecorded
                layer["parent_link"] = self._parent_link(edge.target)
                layers.append(layer)
        else:
            node = origin
            while node.parent_id in self.nodes:
                node = self.nodes[node.parent_id]
                layers.append(
                    {"organisation": node.as_json(), "via": MEMBER_OF, "parent_link": self._parent_link(node.pk)}
                )
        return {
            "organisation": origin.as_json(),
            "system": {"code": self.root.code, "name": self.root.name} if self.root else None,
            "date": self.date.isoformat(),
            "top_board": self.top_board.as_json() if self.top_board else None,
            "reaches_top": reaches_top,
            "route": self.route(pk),
            "complete": reaches_top and vacant_hops == 0 and unrecorded_hops == 0,
            "distance": len(layers) - 1 if reaches_top else None,
            "layers": layers,
            "sector_seats": [seat.as_json() for seat in self.sector_seats()],
        }


def load_graphs(
    systems, date: datetime.date, *, version: str | None = None, structure: Structure | None = None
) -> dict[int, SystemGraph]:
    """The graphs of the ``systems`` (ICB pks) as they stood on ``date``, by pk: no query beyond the structure's.

    Which organisations each holds, and under which parent, is the structure of that date
    (``as_of``); seats are those of its bodies, holders those current that day. Pages that
    compare systems stay at a fixed number of queries however many there are.
    """
    structure = structure or (as_of.england(version) if systems else None)
    return {system: _assemble(structure, system, date, structure.members_on(system, date)) for system in set(systems)}


def system_graphs(system: int, structure: Structure) -> tuple[list[datetime.date], list[SystemGraph]]:
    """The graph of ``system`` on each day it changed (``Structure.change_days``), built together.

    One sweep finds the members of every day (``Structure.members_by_change``); a day on which
    no unit moved or was renamed (only holders changed) keeps the previous day's nodes, hops and distances
    (``SystemGraph.with_holders``); a node under the same parent and name is one object across days.
    """
    days, graphs = [], []
    kept: dict[tuple[int, int | None, str], Node] = {}
    last_members, nodes = None, {}
    renamings = structure.renaming_days(system)
    for day, members in structure.members_by_change(system):
        if members is not last_members or day in renamings:
            nodes = {}
            for pk, parent in members.items():
                name = structure.name_on(pk, day)
                node = kept.get((pk, parent, name))
                if node is None:
                    node = kept[pk, parent, name] = _node(structure, pk, parent, day)
                nodes[pk] = node
            last_members = members
            graph = _assemble(structure, system, day, members, nodes)
        else:  # only holders changed that day
            graph = graphs[-1].with_holders(day, _seats(structure, nodes, day))
        days.append(day)
        graphs.append(graph)
    return days, graphs


def _node(structure: Structure, pk: int, parent: int | None, date: datetime.date) -> Node:
    unit = structure.units[pk]
    return Node(pk, unit.code, structure.name_on(pk, date), unit.kind, parent)


def _assemble(
    structure: Structure,
    system: int,
    date: datetime.date,
    members: dict[int, int | None],
    nodes: dict[int, Node] | None = None,
) -> SystemGraph:
    """The graph of ``system`` on ``date`` from its ``members`` that day (pk → parent pk) and their ``nodes``."""
    if nodes is None:
        nodes = {pk: _node(structure, pk, parent, date) for pk, parent in members.items()}
    root = structure.units.get(system)
    top = root.top_board if root and system in members else None
    provenance = Provenance(root.illustrative, root.governance_source, root.verified_on) if root else None
    said = {pk: structure.units[pk].routes_recorded for pk in nodes if structure.units[pk].routes_recorded is not None}
    return SystemGraph(date, nodes, _seats(structure, nodes, date), top, provenance, said, structure)


def _seats(structure: Structure, nodes: dict[int, Node], date: datetime.date) -> list[SeatView]:
    """The seats of the bodies among ``nodes``, each with its holders on ``date``, by label."""
    seats = []
    for pk, node in nodes.items():
        if node.kind not in BODY_KINDS:
            continue
        for row in structure.seats.get(pk, ()):
            seat = SeatView(**row)
            seats.append(seat)
            if not seat.holders_recorded:
                continue  # none should exist (rules.check_holders_not_recorded); unknown stays unknown
            holdings = structure.appointments.get(seat.pk, ())
            seat.holders.extend(as_of.holder_json(h) for h in holdings if Period(h.start, h.end).holds_on(date))
            if not seat.holders and unknown_on(date, ((h.start, h.start_known) for h in holdings)):
                seat.holders_recorded = False  # its next holder was only seen later: maybe already in post
    seats.sort(key=lambda seat: (seat.label, seat.pk))
    return seats
