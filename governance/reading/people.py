"""A person's public record: every seat held, by date, and the interlocks among them.

An **interlock** is one person holding, at the same date, seats on several bodies of
one system (``kind: "system"``), seats at several layers of the same
representation path — a seat on a body whose route to the top board passes through
another body they also sit on (``kind: "path"``), or seats in more than one system
(``kind: "systems"``: each system with the bodies they sit on there).
"""

import datetime

from governance.models import Person
from governance.reading import as_of
from governance.reading.paths import cached_graphs


def _is_link(source: str) -> bool:
    return source.startswith(("https://", "http://"))


def person_record(person: Person, date: datetime.date, *, version: str | None = None) -> dict:
    """``person``'s seats (newest first) and interlocks at ``date``, as plain data (one query, and
    England's structure in four: once per data ``version`` when given).

    ``{"appointments": [{"seat", "role", "selection", "body", "represents", "sector",
    "system", "from" (None when only "seen" is known), "seen", "to", "to_known" (false: the day before a
    later holder was seen), "status" ("current"/"ended"/"future"/"not_recorded": before the day a
    source first saw them, when since when is not published), "source",
    "source_is_link"}], "current": n, "interlocks": [{"kind", "system", "bodies" | "lower",
    "upper" | "systems"}], "provenances": [{"system", "provenance", "show_source"}]}``: where the
    holders of each of their systems come from (whether illustrative, the source, when verified).
    """
    appointments = list(
        person.appointments.select_related("seat__body", "seat__represents").order_by("-start", "seat__label")
    )
    graphs = _graphs_of_bodies(appointments, date, version)
    rows = []
    for a in appointments:
        graph = graphs[a.seat.body_id]
        if a.is_current_on(date):
            status = "current"
        elif a.start > date:
            # Known only from a later day a source saw them in post: they may already hold it.
            status = "future" if a.start_known else "not_recorded"
        else:
            status = "ended"
        rows.append(
            {
                "seat": a.seat.label,
                "role": a.seat.role,
                "selection": a.seat.selection,
                "delegate": a.seat.delegate,
                "body": {"code": a.seat.body.code, "name": a.seat.body.name, "kind": a.seat.body.kind},
                "represents": (
                    {"code": a.seat.represents.code, "name": a.seat.represents.name} if a.seat.represents else None
                ),
                "sector": a.seat.sector or None,
                "system": {"code": graph.root.code, "name": graph.root.name} if graph.root else None,
                "from": a.start if a.start_known else None,
                "seen": a.seen,
                "to": a.end,
                "to_known": a.end_known,
                "acting": a.acting,
                "status": status,
                "source": a.source,
                "source_is_link": _is_link(a.source),
            }
        )
    current = [a for a in appointments if a.is_current_on(date)]
    provenances = [
        {"system": graph.root, "provenance": graph.provenance, "show_source": True}
        for graph in sorted(
            {id(graph): graph for graph in graphs.values()}.values(),
            key=lambda graph: graph.root.name if graph.root else "",
        )
        if graph.root
    ]
    return {
        "appointments": rows,
        "current": len(current),
        "interlocks": _interlocks(current, graphs),
        "provenances": provenances,
    }


def current_interlocks(person: Person, date: datetime.date, *, version: str | None = None) -> list[dict]:
    """``person``'s interlocks at ``date`` (as ``person_record``'s), for the API (as ``person_record``)."""
    current = list(
        person.appointments.filter(start__lte=date)
        .exclude(end__lt=date)
        .select_related("seat__body", "seat__represents")
        .order_by("-start", "seat__label")
    )
    return _interlocks(current, _graphs_of_bodies(current, date, version))


def _graphs_of_bodies(appointments, date: datetime.date, version: str | None = None) -> dict:
    """Body pk → the graph of the system the body was in on ``date`` (or, if none, of its tree today).

    England's structure is read once (remembered per data ``version`` when given), and the graphs from it.
    """
    structure = as_of.england(version)
    system_of = {a.seat.body_id: structure.system_or_root(a.seat.body_id, date) for a in appointments}
    graphs = cached_graphs(set(system_of.values()), date, version, structure=structure)
    return {body: graphs[system] for body, system in system_of.items()}


def _interlocks(current, graphs) -> list[dict]:
    interlocks = []
    by_system: dict[int, list] = {}
    for a in current:
        by_system.setdefault(id(graphs[a.seat.body_id]), []).append(a)
    if len(by_system) > 1:
        systems = []
        for held in by_system.values():
            root = graphs[held[0].seat.body_id].root
            bodies = {a.seat.body.code: a.seat.body.name for a in held}
            systems.append(
                {
                    "system": {"code": root.code, "name": root.name} if root else None,
                    "bodies": [{"code": c, "name": n} for c, n in sorted(bodies.items(), key=lambda b: b[1])],
                }
            )
        systems.sort(key=lambda s: (s["system"] or {}).get("name", ""))
        interlocks.append({"kind": "systems", "system": None, "systems": systems})
    for held in sorted(by_system.values(), key=lambda held: graphs[held[0].seat.body_id].root.code):
        graph = graphs[held[0].seat.body_id]
        system = {"code": graph.root.code, "name": graph.root.name} if graph.root else None
        bodies = {a.seat.body_id: a.seat.body for a in held}
        if len(bodies) > 1:
            interlocks.append(
                {
                    "kind": "system",
                    "system": system,
                    "bodies": [{"code": b.code, "name": b.name} for b in sorted(bodies.values(), key=lambda b: b.name)],
                }
            )
        if graph.top_board is None:
            continue
        for lower in held:
            if lower.seat.body_id not in graph.nodes:
                continue
            route = graph.path(lower.seat.body_id)
            above = [layer["organisation"]["code"] for layer in route["layers"][1:]] if route["reaches_top"] else []
            for upper in held:
                if upper.seat.body_id != lower.seat.body_id and upper.seat.body.code in above:
                    interlocks.append(
                        {
                            "kind": "path",
                            "system": system,
                            "lower": {"seat": lower.seat.label, "body": _body(lower)},
                            "upper": {"seat": upper.seat.label, "body": _body(upper)},
                        }
                    )
    return interlocks


def _body(appointment) -> dict:
    body = appointment.seat.body
    return {"code": body.code, "name": body.name}
