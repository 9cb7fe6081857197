"""A local medical committee's footprint, its seats and where its practices' chains break; a practice's LMCs.

An LMC **covers** places, PCNs and practices of its system (``Coverage``; governance file
``covers: [codes]``). Its **footprint** on a date is every organisation open that day that
it covers or that lies under one it covers: the PCNs and practices of a covered place, the
practices of a covered PCN. Everything here works on a loaded ``SystemGraph`` (the system
as it stood on the date) plus one query for the coverage, whatever the footprint's size.
"""

from governance.domain import routes
from governance.models import Coverage, Kind, Organisation
from governance.reading.paths import SystemGraph
from governance.reading.voice import _break_point


def _covered_pks(lmc: Organisation) -> set[int]:
    return set(Coverage.objects.filter(lmc=lmc).values_list("covered_id", flat=True))


def covers(lmc: Organisation) -> list[dict]:
    """What an LMC covers, as its governance file names it (``code name kind``, by code; one query).

    Anything that is not an LMC covers nothing (no query).
    """
    if lmc.kind != Kind.LMC:
        return []
    return list(Organisation.objects.filter(covered_by__lmc=lmc).order_by("code").values("code", "name", "kind"))


def _chain(graph: SystemGraph, pk: int):
    """``pk`` and its tree parents (the ``member_of`` chain and above) within the graph."""
    while pk in graph.nodes:
        yield pk
        pk = graph.nodes[pk].parent_id


def _place_of(graph: SystemGraph, pk: int) -> int | None:
    return next((p for p in _chain(graph, pk) if graph.nodes[p].kind == Kind.PLACE), None)


def footprint(lmc: Organisation, graph: SystemGraph) -> dict:
    """What ``lmc`` covers on the graph's date, with its seats and where its practices' chains break.

    ``{"covers": [org], "places": [{"place": org|None, "pcns": n, "practices": n,
    "reaching_top": n, "complete": n}], "pcns": n, "practices": n, "reaching_top": n,
    "complete": n, "not_recorded": n, "breaks": [{"organisation", "practices"}], "unrecorded": [the same,
    for practices whose route is not recorded: never counted as breaks], "seats": [seat JSON + "body"]}``.
    One query (the coverage); the rest comes from ``graph``.
    """
    covered = _covered_pks(lmc)
    nodes = graph.nodes
    in_footprint = [
        node
        for node in nodes.values()
        if node.kind in (Kind.PCN, Kind.PRACTICE) and covered & set(_chain(graph, node.pk))
    ]
    by_place: dict[int | None, dict] = {}
    breaks: dict[int, int] = {}
    unrecorded: dict[int, int] = {}
    totals = {"pcns": 0, "practices": 0, "reaching_top": 0, "complete": 0, "not_recorded": 0}
    for node in in_footprint:
        place = _place_of(graph, node.pk)
        entry = by_place.setdefault(
            place,
            {
                "place": nodes[place].as_json() if place else None,
                "pcns": 0,
                "practices": 0,
                "reaching_top": 0,
                "complete": 0,
            },
        )
        if node.kind == Kind.PCN:
            entry["pcns"] += 1
            totals["pcns"] += 1
            continue
        entry["practices"] += 1
        totals["practices"] += 1
        if graph.top_board is None:
            continue
        path = graph.path(node.pk)
        if path["reaches_top"]:
            for counts in (entry, totals):
                counts["reaching_top"] += 1
                counts["complete"] += path["complete"]
        else:
            point = _break_point(graph, node.pk)
            if path["route"] == routes.BROKEN:
                breaks[point] = breaks.get(point, 0) + 1
            else:
                unrecorded[point] = unrecorded.get(point, 0) + 1
                totals["not_recorded"] += 1
    seats = [
        {**seat.as_json(), "body": nodes[seat.body_id].as_json()}
        for seat in graph.seats
        if seat.represents_id == lmc.pk and seat.body_id in nodes
    ]
    return {
        "covers": sorted((nodes[pk].as_json() for pk in covered if pk in nodes), key=lambda o: (o["kind"], o["name"])),
        "places": sorted(by_place.values(), key=lambda e: (e["place"] is None, (e["place"] or {}).get("name", ""))),
        **totals,
        "governance_recorded": graph.top_board is not None,
        "breaks": [
            {"organisation": nodes[pk].as_json(), "practices": n}
            for pk, n in sorted(breaks.items(), key=lambda item: (-item[1], nodes[item[0]].name))
        ],
        "unrecorded": [
            {"organisation": nodes[pk].as_json(), "practices": n}
            for pk, n in sorted(unrecorded.items(), key=lambda item: (-item[1], nodes[item[0]].name))
        ],
        "seats": sorted(seats, key=lambda s: (s["body"]["name"], s["label"])),
    }


def lmcs_of(org: Organisation, graph: SystemGraph) -> list[dict]:
    """The LMCs open on the graph's date whose footprint includes ``org`` (one query)."""
    chain = list(_chain(graph, org.pk))
    lmcs = Coverage.objects.filter(covered__in=chain).values_list("lmc_id", flat=True).distinct()
    return sorted((graph.nodes[pk].as_json() for pk in set(lmcs) if pk in graph.nodes), key=lambda o: o["name"])
