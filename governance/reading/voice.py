"""The voice of general practice in one system: who speaks for it at each layer, and whose chain is broken.

``summarise(graph)`` works on a loaded ``SystemGraph`` (no queries of its own);
``system_summary(code, date)`` loads the graph first (seven queries in all: the root, England's
structure, the PCNs' registered patients). Both return plain, JSON-ready data, shared by the system
page and the API (``systems/<code>/summary/``).

Definitions:

- A **layer** is a body's distance, in hops of the representation path, from the top
  board (the top board is layer 0). Bodies with no route to the top board are in
  no layer (``layer: null``).
- A **general practice seat** is a seat that represents a place, PCN, practice, LMC
  or GP federation, or whose sector is ``general_practice``; also a seat representing
  a *general practice body*: a board or committee more than half of whose seats are
  general practice seats (so "GP board representatives" on a primary care board
  count, and a seat for the whole primary care board does not).
- A practice's chain **reaches** the top board when it has a path there; it is
  **complete** when no seat on that path is vacant and every seat on it has its holders
  recorded (a seat whose holders are not recorded is neither filled nor vacant).
- A practice's **route** is ``reaches``, ``broken`` (the structure below the board is
  recorded, and no route reaches it) or ``not_recorded`` (nothing recorded says whether a
  route exists: ``domain.routes``). Shares are taken over the practices whose route is
  recorded (reaches or broken) only; the others are counted apart.
- Where a chain **breaks**: the highest organisation on the practice's ``member_of``
  chain below the system's root (the ICB has no route of its own to its board). In
  Greater Manchester's demo every Wigan practice breaks at Wigan (02H). Practices whose
  route is not recorded are listed the same way, apart (``unrecorded``), never as breaks.
"""

import datetime
import statistics
from collections import Counter

from governance.domain import routes
from governance.models import BODY_KINDS, Kind, Organisation, RegisteredPatients, Sector
from governance.reading.graph import SystemGraph
from governance.reading.structure import tally

GP_UNIT_KINDS = frozenset({Kind.PLACE, Kind.PCN, Kind.PRACTICE, Kind.LMC, Kind.FEDERATION})


def general_practice_seats(graph: SystemGraph) -> set[int]:
    """The pks of the seats of ``graph`` that speak for general practice (see the module's definitions)."""
    seats = [s for s in graph.seats if s.body_id in graph.nodes]
    gp = {
        s.pk
        for s in seats
        if s.sector == Sector.GENERAL_PRACTICE
        or (s.represents_id in graph.nodes and graph.nodes[s.represents_id].kind in GP_UNIT_KINDS)
    }
    by_body: dict[int, list] = {}
    for seat in seats:
        by_body.setdefault(seat.body_id, []).append(seat)
    while True:  # a body of mostly GP seats is a GP body; seats for it are GP seats; repeat until stable
        gp_bodies = {body for body, its in by_body.items() if 2 * sum(s.pk in gp for s in its) > len(its)}
        more = {s.pk for s in seats if s.represents_id in gp_bodies and s.pk not in gp}
        if not more:
            return gp
        gp |= more


def layer_words(layer: int | None) -> str:
    """How every page and picture names a layer, in the one scheme (top board = layer 0):
    ``top board · layer 0``, ``layer 2``, or ``not on a route to the board`` (None)."""
    if layer is None:
        return "not on a route to the board"
    return "top board · layer 0" if layer == 0 else f"layer {layer}"


def body_layers(graph: SystemGraph) -> dict[int, int | None]:
    """Each open body's layer: its distance to the top board, or None when it has no route there."""
    layers = {}
    for node in graph.nodes.values():
        if node.kind in BODY_KINDS:
            layers[node.pk] = graph.path(node.pk)["distance"] if graph.top_board else None
    return layers


def _seat_json(graph: SystemGraph, seat) -> dict:
    body = graph.nodes[seat.body_id]
    represents = graph.nodes.get(seat.represents_id)
    return {
        **seat.as_json(),
        "body": body.as_json(),
        "represents": represents.as_json() if represents else None,
        "sector": seat.sector or None,
    }


def _median(values: list[int]) -> int | float | None:
    """The median, as a whole number when it is one (6, not 6.0)."""
    if not values:
        return None
    median = statistics.median(values)
    return int(median) if median == int(median) else median


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _place_of(graph: SystemGraph, pk: int, cache: dict[int, int | None]) -> int | None:
    """The nearest place above (or at) ``pk`` on its tree-parent chain."""
    if pk in cache:
        return cache[pk]
    node = graph.nodes[pk]
    if node.kind == Kind.PLACE:
        place = pk
    elif node.parent_id in graph.nodes:
        place = _place_of(graph, node.parent_id, cache)
    else:
        place = None
    cache[pk] = place
    return place


def _break_point(graph: SystemGraph, pk: int) -> int:
    """The highest organisation below the root on the ``member_of`` chain of ``pk`` (see the module docstring)."""
    node = graph.nodes[pk]
    while node.parent_id in graph.nodes and graph.nodes[node.parent_id].parent_id is not None:
        parent = graph.nodes[node.parent_id]
        if parent.kind in BODY_KINDS:
            break
        node = parent
    return node.pk


def pcn_patients(graph: SystemGraph) -> dict[str, dict]:
    """The registered patients of the graph's PCNs, by code: ``{"count", "date", "source"}`` (one query).

    Practice counts are not published (only PCNs, sub-ICB locations, ICBs and regions), so the
    voice figures count patients by PCN.
    """
    codes = [node.code for node in graph.nodes.values() if node.kind == Kind.PCN]
    rows = RegisteredPatients.objects.filter(code__in=codes).values_list("code", "count", "date", "source")
    return {code: {"count": count, "date": date, "source": source} for code, count, date, source in rows}


def patients_by_route(graph: SystemGraph, patients: dict[str, dict] | None) -> dict | None:
    """The registered patients of the graph's PCNs by their route to the top board, and the share of those whose
    route is recorded that reach it; None without counts. A PCN's patients go with its route: its practices'
    routes run through it."""
    if not patients:
        return None
    by_route: Counter = Counter(dict.fromkeys(routes.ROUTES, 0))
    dates, sources, counted = set(), set(), 0
    for node in graph.nodes.values():
        if node.kind != Kind.PCN or node.code not in patients:
            continue
        count = patients[node.code]
        by_route[graph.route(node.pk) if graph.top_board else routes.NOT_RECORDED] += count["count"]
        dates.add(count["date"])
        sources.add(count["source"])
        counted += 1
    recorded = by_route[routes.REACHES] + by_route[routes.BROKEN]
    return {
        "counted_by": "pcn",
        "pcns": counted,
        "total": sum(by_route.values()),
        "routes": dict(by_route),
        "recorded": recorded,
        "share_reaching_top": _share(by_route[routes.REACHES], recorded) if graph.top_board else None,
        "date": max(dates).isoformat() if dates else None,
        "source": "; ".join(sorted(sources)),
    }


def summarise(graph: SystemGraph, patients: dict[str, dict] | None = None) -> dict:
    """The voice-of-general-practice summary of a loaded system graph, as plain data.

    Keys: ``system``, ``date``, ``top_board``, ``governance_recorded``; ``layers`` (for
    each layer from the top board down, then the unconnected bodies: the bodies, the
    general practice seats with their tallies: seats, filled, vacant, unrecorded, elected,
    delegate, voting, holders); ``top_board_gp_seats``; ``vacant_seats`` (every seat of
    the system vacant at the date); ``unrecorded_seats`` (every seat whose holders are not
    recorded: not counted as vacant); ``practices`` (total, reaching_top, complete, the
    shares of both over the practices whose route is recorded, median_distance; ``routes``: counts by
    route, ``recorded``: the practices whose route is recorded); ``provenance`` (``illustrative``: the holders are
    invented; ``source``; ``verified``: the day they were last checked); ``places`` (per
    place: PCNs, practices, reaching the top, complete, broken, not recorded); ``breaks`` (where chains
    break, most practices first); ``unrecorded`` (where routes are not recorded, the same way);
    ``patients`` (given the PCNs' registered ``patients``, ``pcn_patients``: ``patients_by_route``; else None).
    """
    root = graph.root
    top = graph.top_board
    layers = body_layers(graph)
    gp = general_practice_seats(graph)
    by_layer: dict[int | None, dict] = {}
    for node in sorted((graph.nodes[pk] for pk in layers), key=lambda n: n.name):
        entry = by_layer.setdefault(layers[node.pk], {"layer": layers[node.pk], "bodies": [], "gp_seats": []})
        entry["bodies"].append(node.as_json())
    for seat in graph.seats:
        if seat.pk in gp and seat.body_id in layers:
            by_layer[layers[seat.body_id]]["gp_seats"].append(_seat_json(graph, seat))
    ordered = [by_layer[key] for key in sorted(by_layer, key=lambda k: (k is None, k or 0))]
    for entry in ordered:
        entry["gp_seats"].sort(key=lambda s: (s["body"]["name"], s["label"]))
        entry.update(tally(entry["gp_seats"]))

    practices = [n for n in graph.nodes.values() if n.kind == Kind.PRACTICE]
    distances, reaching, complete = [], 0, 0
    breaks: Counter = Counter()
    unrecorded: Counter = Counter()
    by_route: Counter = Counter(dict.fromkeys(routes.ROUTES, 0))
    place_cache: dict[int, int | None] = {}
    places = {
        n.pk: {
            "organisation": n.as_json(),
            "pcns": 0,
            "practices": 0,
            "reaching_top": 0,
            "complete": 0,
            "broken": 0,
            "not_recorded": 0,
        }
        for n in sorted(graph.nodes.values(), key=lambda n: n.name)
        if n.kind == Kind.PLACE
    }
    for node in graph.nodes.values():
        if node.kind == Kind.PCN and (place := _place_of(graph, node.pk, place_cache)) is not None:
            places[place]["pcns"] += 1
    for node in practices:
        path = graph.path(node.pk) if top else None
        place = places.get(_place_of(graph, node.pk, place_cache))
        if place:
            place["practices"] += 1
        if path and path["reaches_top"]:
            reaching += 1
            distances.append(path["distance"])
            complete += path["complete"]
            if place:
                place["reaching_top"] += 1
                place["complete"] += path["complete"]
        route = graph.route(node.pk)
        by_route[route] += 1
        if route == routes.BROKEN:
            breaks[_break_point(graph, node.pk)] += 1
        elif top and route == routes.NOT_RECORDED:
            unrecorded[_break_point(graph, node.pk)] += 1
        if place and route != routes.REACHES:
            place[route] += 1
    total = len(practices)
    recorded = by_route[routes.REACHES] + by_route[routes.BROKEN]
    return {
        "system": {"code": root.code, "name": root.name} if root else None,
        "date": graph.date.isoformat(),
        "top_board": top.as_json() if top else None,
        "governance_recorded": top is not None,
        "provenance": graph.provenance.as_json(),
        "layers": ordered,
        "top_board_gp_seats": by_layer[0]["seats"] if top and 0 in by_layer else 0,
        "vacant_seats": sum(s.vacant for s in graph.seats if s.body_id in graph.nodes),
        "unrecorded_seats": sum(s.unrecorded for s in graph.seats if s.body_id in graph.nodes),
        "practices": {
            "total": total,
            "reaching_top": reaching,
            "complete": complete,
            "share_reaching_top": _share(reaching, recorded) if top else None,
            "share_complete": _share(complete, recorded) if top else None,
            "median_distance": _median(distances),
            "routes": dict(by_route),
            "recorded": recorded,
        },
        "patients": patients_by_route(graph, patients),
        "places": list(places.values()),
        "breaks": [
            {"organisation": graph.nodes[pk].as_json(), "practices": n}
            for pk, n in sorted(breaks.items(), key=lambda item: (-item[1], graph.nodes[item[0]].name))
        ],
        "unrecorded": [
            {"organisation": graph.nodes[pk].as_json(), "practices": n}
            for pk, n in sorted(unrecorded.items(), key=lambda item: (-item[1], graph.nodes[item[0]].name))
        ],
    }


def routes_in_words(summary: dict) -> str:
    """The practices of a summary by route, in words: feeds and anywhere a sentence says them apart."""
    if summary["top_board"] is None:
        return "No top board is recorded, so no practice's route to one is recorded."
    counts = summary["practices"]["routes"]
    return (
        f"Practices' routes to {summary['top_board']['name']}: {counts[routes.REACHES]} reach it, "
        f"{counts[routes.BROKEN]} broken, {counts[routes.NOT_RECORDED]} not recorded."
    )


def system_summary(code: str, date: datetime.date) -> dict | None:
    """The summary of the system (ICB) with ``code`` at ``date``, or None if there is no such system."""
    root = Organisation.objects.filter(code=code, parent__isnull=True).only("pk").first()
    if root is None:
        return None
    graph = SystemGraph.load(root.pk, date)
    return summarise(graph, pcn_patients(graph))
