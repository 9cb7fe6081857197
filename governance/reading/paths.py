"""The representation path: through whose seats an organisation is heard, up to its system's top board.

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

import datetime
import functools
from dataclasses import dataclass, field

from django.utils import timezone

from governance.models import BODY_KINDS, UNIT_KINDS, Appointment, Organisation, Seat

MEMBER_OF, SEAT, REPORTS_TO = "member_of", "seat", "reports_to"
# Each kind of hop in words, read upwards ("Bolton has a seat on GP board"): pages and the command alike.
VIA_TEXT = {MEMBER_OF: "is a member of", SEAT: "has a seat on", REPORTS_TO: "reports to"}


class PathError(Exception):
    """The path cannot be asked for (unknown organisation, or not open at that date)."""


class UnknownOrganisation(PathError):
    pass


class OrganisationNotOpen(PathError):
    pass


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
    holders_recorded: bool = True
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
    ):
        self.date = date
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

    @classmethod
    def load(cls, tree_id: int, date: datetime.date) -> "SystemGraph":
        """Read the system with ``tree_id`` as it stood on ``date`` (three queries)."""
        return load_graphs([tree_id], date)[tree_id]

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

    def sector_seats(self) -> list[SeatView]:
        if self.top_board is None:
            return []
        return [s for s in self.seats if s.body_id == self.top_board.pk and s.sector]

    def path(self, pk: int) -> dict:
        """The representation path of organisation ``pk`` as DESIGN.md's JSON shape."""
        origin = self.nodes[pk]
        layers = [{"organisation": origin.as_json(), "via": None}]
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
                layers.append(layer)
        else:
            node = origin
            while node.parent_id in self.nodes:
                node = self.nodes[node.parent_id]
                layers.append({"organisation": node.as_json(), "via": MEMBER_OF})
        return {
            "organisation": origin.as_json(),
            "system": {"code": self.root.code, "name": self.root.name} if self.root else None,
            "date": self.date.isoformat(),
            "top_board": self.top_board.as_json() if self.top_board else None,
            "reaches_top": reaches_top,
            "complete": reaches_top and vacant_hops == 0 and unrecorded_hops == 0,
            "distance": len(layers) - 1 if reaches_top else None,
            "layers": layers,
            "sector_seats": [seat.as_json() for seat in self.sector_seats()],
        }


def _read_organisation(code: str) -> Organisation | None:
    return Organisation.objects.filter(code=code).only("pk", "code", "name", "tree_id", "opened", "closed").first()


def find_organisation(code: str, date: datetime.date, *, version: str | None = None) -> Organisation:
    """The organisation with ``code``, which must be open on ``date``.

    Given the data ``version``, the lookup is remembered until the version changes.
    """
    org = _read_organisation(code) if version is None else cached_organisation(code, version)
    if org is None:
        raise UnknownOrganisation(f"No organisation has the code {code!r}.")
    if not org.is_active_on(date):
        if org.opened and org.opened > date:
            raise OrganisationNotOpen(f"{org.name} ({org.code}) had not opened on {date} (it opened on {org.opened}).")
        raise OrganisationNotOpen(f"{org.name} ({org.code}) was closed on {date} (it closed on {org.closed}).")
    return org


def representation_path(code: str, date: datetime.date | None = None, *, version: str | None = None) -> dict:
    """The path of the organisation with ``code`` at ``date`` (default today), as JSON-ready data.

    Given the current data ``version`` (``governance.caching.versioning``), the system's graph
    comes from this process's cache while nothing has changed. Raises
    ``UnknownOrganisation`` or ``OrganisationNotOpen`` (both ``PathError``).
    """
    date = date or timezone.localdate()
    org = find_organisation(code, date, version=version)
    graph = SystemGraph.load(org.tree_id, date) if version is None else cached_graph(org.tree_id, date, version)
    return graph.path(org.pk)


# A compiled graph depends only on its system, the date and the data version (which every
# write bumps), and so does an organisation's lookup by code: a process keeps the ones it
# used last (version-keyed memos; a new version's entries push the old ones out) and skips
# the queries and the graph building. Bounded: every system of a tenfold England at one
# date; the organisations of an England. ``governance.caching.reset()`` empties both.
@functools.lru_cache(maxsize=512)
def cached_graph(tree_id: int, date: datetime.date, version: str) -> SystemGraph:
    """``SystemGraph.load(tree_id, date)``, reused while the data ``version`` stays the same."""
    return SystemGraph.load(tree_id, date)


@functools.lru_cache(maxsize=16384)
def cached_organisation(code: str, version: str) -> Organisation | None:
    """The organisation with ``code`` (or None), looked up once per data ``version``."""
    return _read_organisation(code)


def representation_paths(organisations, date: datetime.date, *, version: str | None = None) -> list[dict]:
    """The paths of many ``organisations`` (each open on ``date``), in the order given.

    Each system's graph is loaded once (or taken from the cache, given the data
    ``version``), so the queries grow with the number of systems, never with the
    number of organisations.
    """
    graphs: dict[int, SystemGraph] = {}
    paths = []
    for org in organisations:
        if org.tree_id not in graphs:
            graphs[org.tree_id] = (
                SystemGraph.load(org.tree_id, date) if version is None else cached_graph(org.tree_id, date, version)
            )
        paths.append(graphs[org.tree_id].path(org.pk))
    return paths


def load_graphs(tree_ids, date: datetime.date) -> dict[int, SystemGraph]:
    """The graphs of the systems with ``tree_ids`` at ``date``, by tree id, in three queries in all.

    Pages that compare systems stay at a fixed number of queries however many there are.
    """
    tree_ids = sorted(set(tree_ids))
    if not tree_ids:
        return {}
    nodes: dict[int, dict[int, Node]] = {tree_id: {} for tree_id in tree_ids}
    top_boards: dict[int, int | None] = dict.fromkeys(tree_ids)
    provenance: dict[int, Provenance] = {}
    rows = (
        Organisation.objects.open_on(date)
        .filter(tree_id__in=tree_ids)
        .order_by()
        .values_list(
            "tree_id", "pk", "code", "name", "kind", "parent_id", "top_board_id",
            "illustrative", "governance_source", "verified_on",
        )
    )  # fmt: skip
    for tree_id, pk, code, name, kind, parent_id, top, illustrative, source, verified in rows:
        nodes[tree_id][pk] = Node(pk, code, name, kind, parent_id)
        if parent_id is None:
            top_boards[tree_id] = top
            provenance[tree_id] = Provenance(illustrative, source, verified)
    seats: dict[int, SeatView] = {}
    seat_tree: dict[int, int] = {}
    for row in (
        Seat.objects.filter(body__tree_id__in=tree_ids)
        .order_by("label")
        .values(
            "body__tree_id",
            "pk",
            "body_id",
            "label",
            "role",
            "sector",
            "represents_id",
            "selection",
            "delegate",
            "voting",
            "max_holders",
            "portfolio",
            "holders_recorded",
        )
    ):
        seat_tree[row["pk"]] = row.pop("body__tree_id")
        seats[row["pk"]] = SeatView(**row)
    current = (
        Appointment.objects.current_on(date)
        .filter(seat__body__tree_id__in=tree_ids)
        .order_by("start", "person__name")
        .values_list("seat_id", "person_id", "person__name", "start", "end", "source")
    )
    for seat_id, person_id, name, start, end, source in current:
        if not seats[seat_id].holders_recorded:
            continue  # none should exist (rules.check_holders_not_recorded); unknown stays unknown
        seats[seat_id].holders.append(
            {"name": name, "person_id": person_id, "from": start.isoformat(), "to": end and end.isoformat()}
            | {"source": source}
        )
    by_tree: dict[int, list[SeatView]] = {tree_id: [] for tree_id in tree_ids}
    for pk, seat in seats.items():
        by_tree[seat_tree[pk]].append(seat)
    return {
        tree_id: SystemGraph(date, nodes[tree_id], by_tree[tree_id], top_boards[tree_id], provenance.get(tree_id))
        for tree_id in tree_ids
    }
