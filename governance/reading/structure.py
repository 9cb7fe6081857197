"""What an organisation page shows, as plain data: its contents, its seats, its ladder, its system's bodies.

Everything is as of a date, in the structure of that date (``governance.reading.as_of``): the
parents, children and bodies an organisation had that day, not today's tree. Every function
costs a fixed number of queries (or none, when it works on a loaded ``SystemGraph``, on
England's structure remembered for the data ``version``, or on a path already computed),
whatever the size of the system.
"""

import datetime
from collections import Counter, defaultdict

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet

from governance.domain import routes
from governance.domain.england import Structure
from governance.domain.periods import unknown_on
from governance.models import (
    BODY_KINDS,
    KIND_NOUNS,
    AlsoReported,
    Appointment,
    Kind,
    Organisation,
    Relation,
    Seat,
    Sector,
    Selection,
    kind_count,
)
from governance.reading import as_of
from governance.reading.graph import VIA_TEXT, SystemGraph

CHILDREN_PER_PAGE = 50


def _below(structure: Structure, pk: int, date: datetime.date, counts: dict) -> Counter:
    """How many organisations of each kind are open on ``date`` anywhere below ``pk`` that day (memo: ``counts``)."""
    if pk not in counts:
        counts[pk] = Counter()  # a cycle, which the tree check reports, counts nothing twice
        below = Counter()
        for child in structure.children_on(pk, date):
            below[structure.units[child].kind] += 1
            below.update(_below(structure, child, date, counts))
        counts[pk] = below
    return counts[pk]


def children_page(
    org: Organisation, date: datetime.date, page: str | None, exclude_kinds=(), *, version: str | None = None
) -> Page:
    """A page of ``org``'s direct children on ``date`` (open ones first, then those closed by then
    whose last parent it was; by kind and name), each with the PCNs and practices open below it
    that day (``pcns``, ``practices``), named as of ``date`` (``Structure.name_on``). The structure of
    ``date`` (``as_of``); one query: the page's rows.
    """
    structure = as_of.england(version)
    units = structure.units
    children = [pk for pk in structure.children_on(org.pk, date, closed=True) if units[pk].kind not in exclude_kinds]
    names = {pk: structure.name_on(pk, date) for pk in children}
    children.sort(key=lambda pk: (not units[pk].is_open_on(date), units[pk].kind, names[pk], units[pk].code))
    found = Paginator(children, CHILDREN_PER_PAGE).get_page(page)
    rows = Organisation.objects.only("code", "name", "kind", "opened", "closed", "postcode").in_bulk(found.object_list)
    counts: dict = {}
    found.object_list = [rows[pk] for pk in found.object_list if pk in rows]
    for row in found.object_list:
        row.name = names[row.pk]  # shown, never saved: reading never writes
        below = _below(structure, row.pk, date, counts)
        row.pcns, row.practices = below[Kind.PCN], below[Kind.PRACTICE]
    return found


def child_counts(
    org: Organisation, date: datetime.date, *, version: str | None = None, structure: Structure | None = None
) -> list[dict]:
    """What is directly under ``org`` on ``date``, by kind, in the structure of that date (no query).

    The one count the page and the API detail show: ``open`` children open that day, ``closed``
    those closed by then whose last parent it was, ``n`` both, and ``words`` the open ones said
    in running text ("3 PCNs"). By kind.
    """
    labels = dict(Kind.choices)
    structure = structure or as_of.england(version)
    counts = {True: Counter(), False: Counter()}
    for pk in structure.children_on(org.pk, date, closed=True):
        unit = structure.units[pk]
        counts[unit.is_open_on(date)][unit.kind] += 1
    kinds = sorted(set(counts[True]) | set(counts[False]))
    return [
        {
            "kind": kind,
            "label": labels.get(kind, kind),
            "open": counts[True][kind],
            "closed": counts[False][kind],
            "n": counts[True][kind] + counts[False][kind],
            "words": kind_count(kind, counts[True][kind]) if kind in KIND_NOUNS else f"{counts[True][kind]} {kind}",
        }
        for kind in kinds
    ]


def ancestors(
    org: Organisation, date: datetime.date, *, version: str | None = None, structure: Structure | None = None
) -> list[dict]:
    """``org``'s parents on ``date``, its system's root first (``code name kind``; no query), named as of the day.

    The one list the page's breadcrumb and the API detail's ``ancestors`` show. A closed
    organisation is placed (and its parents named) where it was on its last day, one not yet open
    on its first (``Structure.day_seen``). ``structure``: England's, when the caller holds it.
    """
    structure = structure or as_of.england(version)
    day = structure.day_seen(org.pk, date)
    return [_unit_json(structure, pk, day) for pk in structure.ancestors_on(org.pk, date)]


def own_sub_icb(org: Organisation, date: datetime.date, *, version: str | None = None) -> dict | None:
    """A practice's own sub-ICB location on ``date``, when it is not the place its PCN was in that day (no query).

    Its link of that day (``Relation.PRACTICE_SUB_ICB``); for a practice without links, its ``sub_icb``.
    """
    if org.kind != Kind.PRACTICE:
        return None
    structure = as_of.england(version)
    day = structure.day_seen(org.pk, date)
    own = org.sub_icb_id
    if structure.spans.get(org.pk):
        own = structure.link_parent_on(org.pk, Relation.PRACTICE_SUB_ICB, day)
    parent = structure.parent_on(org.pk, day)
    network_place = structure.parent_on(parent, day) if parent is not None else None
    if own is None or own in (parent, network_place):
        return None
    return _unit_json(structure, own, day)


def _unit_json(structure: Structure, pk: int, day: datetime.date) -> dict:
    """Unit ``pk`` named as of ``day`` (``code name kind``)."""
    unit = structure.units[pk]
    return {"code": unit.code, "name": structure.name_on(pk, day), "kind": unit.kind}


def _org_json(org: Organisation | None, date: datetime.date, structure: Structure | None) -> dict | None:
    """``org`` named as of ``date`` when England's ``structure`` knows it, else by its stored (today's) name."""
    if org is None:
        return None
    named = structure is not None and org.pk in structure.units
    return {"code": org.code, "name": structure.name_on(org.pk, date) if named else org.name, "kind": org.kind}


def seats_with_holders(seats: QuerySet, date: datetime.date, *, structure: Structure | None = None) -> list[dict]:
    """``seats`` as plain dicts with their holders at ``date`` (two queries), by body then label.

    Each: ``label role selection sector portfolio delegate voting max_holders holders_recorded
    vacant holders body represents mental_health also_reported``, holders as in the path JSON
    (``name``, ``person_id``, ``from``, ``to``, ``seen``) with the appointment's ``term_ends`` and
    ``source``. A seat whose holders are not recorded (at all, or on the date: its next holder is
    known only from a later day a source saw them in post) has none and is not vacant.
    ``also_reported``: other sources' accounts of its holder (``name``, ``seen``, ``source``).
    ``body`` and ``represents`` are named as of ``date`` given England's ``structure`` (else today's names).
    """
    disputed = Exists(AlsoReported.objects.filter(seat=OuterRef("pk")))
    rows = list(
        seats.select_related("body", "represents")
        .annotate(disputed=disputed)
        .order_by("body__name", "body_id", "label")
    )
    holders: dict[int, list[dict]] = {seat.pk: [] for seat in rows}
    later: dict[int, list[tuple]] = {seat.pk: [] for seat in rows}  # (start, start_known) of those yet to begin
    # Those not ended by the date: current ones, and later ones (which say whether an empty seat is vacant).
    appointments = (
        Appointment.objects.filter(Q(end__isnull=True) | Q(end__gte=date), seat__in=[seat.pk for seat in rows])
        .order_by("start", "person__name")
        .values_list(
            "seat_id",
            "person_id",
            "person__name",
            "start",
            "end",
            "term_ends",
            "source",
            "start_known",
            "seen",
            "acting",
        )
    )
    for seat_id, person_id, name, start, end, term_ends, source, start_known, seen, acting in (
        appointments if rows else ()
    ):
        if start > date:
            later[seat_id].append((start, start_known))
            continue
        holders[seat_id].append(
            {
                "name": name,
                "person_id": person_id,
                "from": start.isoformat() if start_known else None,
                "to": end and end.isoformat(),
                "seen": seen and seen.isoformat(),
                "term_ends": term_ends and term_ends.isoformat(),
                "source": source,
                "acting": acting,
            }
        )
    reports: dict[int, list[dict]] = defaultdict(list)
    disputed_seats = [seat.pk for seat in rows if seat.disputed]  # a query only where sources disagree
    for seat_id, name, seen, source in (
        AlsoReported.objects.filter(seat__in=disputed_seats).values_list("seat_id", "name", "seen", "source")
        if disputed_seats
        else ()
    ):
        reports[seat_id].append({"name": name, "seen": seen.isoformat(), "source": source})
    unrecorded = {
        seat.pk
        for seat in rows
        if not seat.holders_recorded or (not holders[seat.pk] and unknown_on(date, later[seat.pk]))
    }
    return [
        {
            "pk": seat.pk,
            "label": seat.label,
            "role": seat.role,
            "selection": seat.selection,
            "sector": seat.sector or None,
            "delegate": seat.delegate,
            "voting": seat.voting,
            "max_holders": seat.max_holders,
            "portfolio": seat.portfolio or None,
            "holders_recorded": seat.pk not in unrecorded,
            "holders": [] if seat.pk in unrecorded else holders[seat.pk],
            "vacant": seat.pk not in unrecorded and not holders[seat.pk],
            "body": _org_json(seat.body, date, structure),
            "represents": _org_json(seat.represents, date, structure),
            "mental_health": seat.mental_health,
            "also_reported": reports.get(seat.pk, []),
        }
        for seat in rows
    ]


def boards_with_seats(org: Organisation, date: datetime.date, *, version: str | None = None) -> list[dict]:
    """The boards, committees and partnerships directly under ``org`` on ``date``, each with its seats (two queries)."""
    structure = as_of.england(version)
    bodies = [pk for pk in structure.children_on(org.pk, date) if structure.units[pk].kind in BODY_KINDS]
    if not bodies:
        return []
    named = sorted((_unit_json(structure, pk, date) for pk in bodies), key=lambda body: (body["name"], body["code"]))
    seats = seats_with_holders(Seat.objects.filter(body__in=bodies), date, structure=structure)
    return [{"organisation": body, "seats": [s for s in seats if s["body"]["code"] == body["code"]]} for body in named]


def tally(seats: list[dict]) -> dict:
    """Counts of a list of seat dicts (a board's seats, a layer's GP seats): seats, filled, vacant,
    unrecorded (holders not recorded: neither filled nor vacant), elected, delegate, voting, and
    holders (people in them; a seat may hold more than one)."""
    return {
        "seats": len(seats),
        "filled": sum(bool(s["holders"]) for s in seats),
        "vacant": sum(s["vacant"] for s in seats),
        "unrecorded": sum(not s["holders_recorded"] for s in seats),
        "elected": sum(s["selection"] == Selection.ELECTED for s in seats),
        "delegate": sum(s["delegate"] for s in seats),
        "voting": sum(s["voting"] for s in seats),
        "holders": sum(len(s["holders"]) for s in seats),
    }


TERMS_AHEAD = datetime.timedelta(days=90)


def seats_to_fill(graph: SystemGraph) -> dict:
    """What the system loaded as ``graph`` must fill soon: the seats vacant at the graph's date, and the
    terms due to end within 90 days of it, on the bodies in the system that day.

    ``{"vacant": [{"label", "body"}], "terms_ending": [{"label", "body", "name", "person_id",
    "term_ends"}], "until": date}``. Vacant seats come from the loaded graph; the terms cost
    one query (holders of not-recorded seats have none to list).
    """
    date = graph.date
    until = date + TERMS_AHEAD
    bodies = [pk for pk, node in graph.nodes.items() if node.kind in BODY_KINDS]
    vacant = [
        {"label": seat.label, "body": graph.nodes[seat.body_id].as_json()}
        for seat in graph.seats
        if seat.vacant and seat.body_id in graph.nodes
    ]
    ending = (
        Appointment.objects.current_on(date)
        .filter(seat__body__in=bodies, seat__holders_recorded=True, term_ends__range=(date, until))
        .order_by("term_ends", "seat__label")
        .values_list("seat__label", "seat__body_id", "person__name", "person_id", "term_ends")
    )
    terms = [
        {"label": label, "body": graph.nodes[body].as_json(), "name": name, "person_id": pk, "term_ends": ends}
        for label, body, name, pk, ends in (ending if bodies else ())
    ]
    vacant.sort(key=lambda seat: (seat["body"]["name"], seat["label"]))
    return {"vacant": vacant, "terms_ending": terms, "until": until}


def ladder(path: dict) -> dict:
    """A path (DESIGN.md's JSON) as rungs from the top down, for drawing.

    ``rungs``: one per layer, top first, each with ``depth`` (steps above the origin),
    ``layer`` (steps below the top board, the one scheme of layers: the top board is layer 0;
    None on a path that does not reach it), ``organisation``, and ``below``: how the layer beneath reaches it (``via``,
    ``via_text``, ``seat``), None at the origin. Holders who sit in more than one seat
    on the path (sector seats included) get ``also``: their other seats on it.
    ``breaks_at``: for a broken chain, the highest organisation below the system's root;
    ``unrecorded_from``: the same organisation when the route is not recorded (no break is known).
    ``vacant_hops`` and ``unrecorded_hops``: how many seats on the path are vacant, and how
    many have their holders not recorded (either makes a path not complete).
    """
    layers = path["layers"]
    placements: dict[int, list[str]] = {}
    seats = [(layer["seat"], layer["organisation"]["name"]) for layer in layers if layer.get("seat")]
    seats += [(seat, (path["top_board"] or {}).get("name", "")) for seat in path["sector_seats"]]
    for seat, body in seats:
        for holder in seat["holders"]:
            placements.setdefault(holder["person_id"], []).append(f"{seat['label']} ({body})")

    def with_interlocks(seat: dict, body: str) -> dict:
        mine = f"{seat['label']} ({body})"
        holders = [{**h, "also": [p for p in placements.get(h["person_id"], []) if p != mine]} for h in seat["holders"]]
        return {**seat, "holders": holders}

    rungs = []
    for depth in range(len(layers) - 1, -1, -1):
        layer = layers[depth]
        below = None
        if depth > 0:
            below = {
                "via": layer["via"],
                "via_text": VIA_TEXT.get(layer["via"], layer["via"]),
                "from": layers[depth - 1]["organisation"],
                "seat": with_interlocks(layer["seat"], layer["organisation"]["name"]) if layer.get("seat") else None,
            }
        on_route = path["reaches_top"]
        rungs.append(
            {
                "depth": depth,
                "layer": path["distance"] - depth if on_route else None,
                "organisation": layer["organisation"],
                "below": below,
            }
        )
    breaks_at = unrecorded_from = None
    if path["top_board"] and not path["reaches_top"]:
        chain = [layer["organisation"] for layer in layers]
        highest = chain[-2] if len(chain) > 1 and chain[-1]["kind"] == Kind.ICB else chain[-1]
        if path["route"] == routes.BROKEN:
            breaks_at = highest
        else:  # nothing recorded says whether a route exists: not a break
            unrecorded_from = highest
    top_name = (path["top_board"] or {}).get("name", "")
    sector_seats = [with_interlocks(seat, top_name) for seat in path["sector_seats"]]
    sector_seats.sort(key=lambda seat: seat.get("sector") != Sector.GENERAL_PRACTICE)  # the GP seat first
    hops = [layer["seat"] for layer in layers if layer.get("seat")]
    return {
        "rungs": rungs,
        "breaks_at": breaks_at,
        "unrecorded_from": unrecorded_from,
        "sector_seats": sector_seats,
        "vacant_hops": sum(seat["vacant"] for seat in hops),
        "unrecorded_hops": sum(not seat["holders_recorded"] for seat in hops),
    }


def governance_tree(graph: SystemGraph, layers: dict[int, int | None]) -> list[dict]:
    """The system's boards, committees and partnerships as trees of what reports to what (no queries).

    Groups by the unit the top bodies sit under (the ICB's own first): ``[{"unit",
    "bodies": [{"organisation", "layer", "is_top_board", "seats", "vacant", "unrecorded",
    "represented_on", "children": […]}]}]``. ``represented_on``: the bodies with a seat
    for this one (the ``seat`` hops up from it).
    """
    nodes = graph.nodes
    bodies = {pk: n for pk, n in nodes.items() if n.kind in BODY_KINDS}
    seat_counts: dict[int, list[int]] = {pk: [0, 0, 0] for pk in bodies}  # seats, vacant, not recorded
    represented_on: dict[int, set[int]] = {pk: set() for pk in bodies}
    for seat in graph.seats:
        if seat.body_id in bodies:
            seat_counts[seat.body_id][0] += 1
            seat_counts[seat.body_id][1] += seat.vacant
            seat_counts[seat.body_id][2] += seat.unrecorded
            if seat.represents_id in bodies:
                represented_on[seat.represents_id].add(seat.body_id)
    children: dict[int, list[int]] = {}
    tops: dict[int, list[int]] = {}
    for pk, node in bodies.items():
        if node.parent_id in bodies:
            children.setdefault(node.parent_id, []).append(pk)
        elif node.parent_id in nodes:
            tops.setdefault(node.parent_id, []).append(pk)
    top_board = graph.top_board.pk if graph.top_board else None

    def order(pks):
        return sorted(pks, key=lambda pk: (pk != top_board, nodes[pk].name))

    def build(pk):
        return {
            "organisation": nodes[pk].as_json(),
            "layer": layers.get(pk),
            "is_top_board": pk == top_board,
            "seats": seat_counts[pk][0],
            "vacant": seat_counts[pk][1],
            "unrecorded": seat_counts[pk][2],
            "represented_on": [nodes[b].as_json() for b in sorted(represented_on[pk], key=lambda b: nodes[b].name)],
            "children": [build(c) for c in order(children.get(pk, []))],
        }

    root = graph.root.pk if graph.root else None
    units = sorted(tops, key=lambda pk: (pk != root, nodes[pk].name))
    return [{"unit": nodes[u].as_json(), "bodies": [build(pk) for pk in order(tops[u])]} for u in units]
