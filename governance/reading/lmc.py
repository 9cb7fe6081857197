"""A local medical committee's footprint, its seats and where its practices' chains break; a unit's LMCs.

An LMC **covers** places, PCNs and practices of any system (``Coverage``; governance file
``covers: [codes]``): an LMC's area follows counties, not ICBs (Surrey and Sussex LMCs span two
systems, Londonwide LMCs five). The LMC itself sits in one system's tree, its home system. Its
**footprint** on a date is every organisation open that day that it covers or that lies under
one it covers: the PCNs and practices of a covered place, the practices of a covered PCN, each in
the system that held it that day. Everything here works on loaded ``SystemGraph``s (each system
as it stood on the date) plus one query for the coverage, whatever the footprint's size.
"""

import datetime

from governance.domain import routes
from governance.domain.england import Structure
from governance.models import Coverage, Kind, Organisation
from governance.reading import as_of
from governance.reading.graph import SystemGraph
from governance.reading.paths import cached_graphs
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


def _other_graphs(
    outside: set[int],
    home: SystemGraph,
    version: str | None,
    structure: Structure | None,
) -> list[SystemGraph]:
    """The graphs, on ``home``'s date, of the other systems holding the ``outside`` organisations that day.

    None (and no query) when the LMC covers nothing outside its home system.
    """
    if not outside:
        return []
    structure = structure or as_of.england(version)
    systems = {structure.system_on(pk, home.date) for pk in outside if pk in structure.units}
    systems -= {None, home.root.pk if home.root else None}
    return list(cached_graphs(systems, home.date, version, structure=structure).values())


def _counts() -> dict:
    return {"pcns": 0, "practices": 0, "reaching_top": 0, "complete": 0}


def _system_footprint(graph: SystemGraph, covered: set[int], breaks: dict, unrecorded: dict, totals: dict) -> dict:
    """The footprint within one system: its places, each with its PCNs and their practices by name."""
    nodes = graph.nodes
    places: dict[int | None, dict] = {}
    for node in nodes.values():
        if node.kind not in (Kind.PCN, Kind.PRACTICE) or not covered & set(_chain(graph, node.pk)):
            continue
        place = _place_of(graph, node.pk)
        entry = places.setdefault(
            place, {"place": nodes[place].as_json() if place else None, **_counts(), "pcn_list": {}}
        )
        pcn = node.pk if node.kind == Kind.PCN else node.parent_id
        pcn = pcn if pcn in nodes and nodes[pcn].kind == Kind.PCN else None
        unit = entry["pcn_list"].setdefault(pcn, {"pcn": nodes[pcn].as_json() if pcn else None, "practices": []})
        if node.kind == Kind.PCN:
            entry["pcns"] += 1
            totals["pcns"] += 1
            continue
        unit["practices"].append(node.as_json())
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
            point = nodes[_break_point(graph, node.pk)].as_json()
            if path["route"] == routes.BROKEN:
                breaks.setdefault(point["code"], [point, 0])[1] += 1
            else:
                unrecorded.setdefault(point["code"], [point, 0])[1] += 1
                totals["not_recorded"] += 1
    for entry in places.values():
        units = sorted(entry["pcn_list"].values(), key=lambda u: (u["pcn"] is None, (u["pcn"] or {}).get("name", "")))
        for unit in units:
            unit["practices"].sort(key=lambda p: (p["name"], p["code"]))
        entry["pcn_list"] = units
    root = graph.root
    return {
        "system": {"code": root.code, "name": root.name} if root else None,
        "governance_recorded": graph.top_board is not None,
        "pcns": sum(e["pcns"] for e in places.values()),
        "practices": sum(e["practices"] for e in places.values()),
        "places": sorted(places.values(), key=lambda e: (e["place"] is None, (e["place"] or {}).get("name", ""))),
    }


def _by_count(points: dict) -> list[dict]:
    return [
        {"organisation": point, "practices": n}
        for point, n in sorted(points.values(), key=lambda v: (-v[1], v[0]["name"]))
    ]


def footprint(
    lmc: Organisation,
    graph: SystemGraph,
    *,
    version: str | None = None,
    structure: Structure | None = None,
) -> dict:
    """What ``lmc`` covers on the date of ``graph`` (its home system's), by system, place and PCN, with its
    practices by name, its seats and where its practices' chains break.

    ``{"covers": [org + "system"], "systems": [{"system": {code, name}|None, "governance_recorded", "pcns",
    "practices", "places": [{"place": org|None, "pcns": n, "practices": n, "reaching_top": n, "complete": n,
    "pcn_list": [{"pcn": org|None, "practices": [org]}]}]}], "places": [every system's places], "pcns": n,
    "practices": n, "reaching_top": n, "complete": n, "not_recorded": n, "governance_recorded", "breaks":
    [{"organisation", "practices"}], "unrecorded": [the same, for practices whose route is not recorded:
    never counted as breaks], "seats": [seat JSON + "body"]}``; the home system first, then by name.

    One query (the coverage) beyond the graphs: the other systems' graphs come from the cache given the
    data ``version``, else are loaded together from ``structure`` (read when none is given), only when the
    LMC covers something outside its home system on the date.
    """
    covered = _covered_pks(lmc)
    graphs = [graph, *sorted(_other_graphs(covered - set(graph.nodes), graph, version, structure), key=_name)]
    breaks: dict[str, list] = {}
    unrecorded: dict[str, list] = {}
    totals = {**_counts(), "not_recorded": 0}
    systems = [_system_footprint(g, covered, breaks, unrecorded, totals) for g in graphs]
    systems = [s for s in systems if s["places"]]
    named = {pk: {**g.nodes[pk].as_json(), "system": _system_ref(g)} for g in graphs for pk in covered if pk in g.nodes}
    seats = [
        {**seat.as_json(), "body": g.nodes[seat.body_id].as_json()}
        for g in graphs
        for seat in g.seats
        if seat.represents_id == lmc.pk and seat.body_id in g.nodes
    ]
    return {
        "covers": sorted(named.values(), key=lambda o: (o["kind"], o["name"])),
        "systems": systems,
        "places": [place for system in systems for place in system["places"]],
        **totals,
        "governance_recorded": any(g.top_board is not None for g in graphs),
        "breaks": _by_count(breaks),
        "unrecorded": _by_count(unrecorded),
        "seats": sorted(seats, key=lambda s: (s["body"]["name"], s["label"])),
    }


def _name(graph: SystemGraph) -> str:
    return graph.root.name if graph.root else ""


def _system_ref(graph: SystemGraph) -> dict | None:
    return {"code": graph.root.code, "name": graph.root.name} if graph.root else None


def lmcs_of(
    org: Organisation,
    date: datetime.date,
    *,
    version: str | None = None,
    structure: Structure | None = None,
) -> list[dict]:
    """The LMCs open on ``date`` whose footprint includes ``org``, of any system (``code name``, by name).

    One query beyond the structure of ``date`` (``as_of``: remembered per data ``version``, or ``structure``).
    """
    structure = structure or as_of.england(version)
    chain = [org.pk, *structure.ancestors_on(org.pk, date)] if org.pk in structure.units else [org.pk]
    return list(
        Organisation.objects.open_on(date)
        .filter(kind=Kind.LMC, coverage__covered__in=chain)
        .distinct()
        .order_by("name", "code")
        .values("code", "name")
    )
