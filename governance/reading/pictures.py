"""Pictures to take to a meeting: a system's governance as a diagram, and a practice's ladder.

Drawn on the server by Graphviz (Debian's ``graphviz`` package, through the ``graphviz``
PyPI package): this module only says what is drawn, Graphviz lays it out and renders SVG
or PNG. Both read a loaded ``SystemGraph`` or a computed path, so they cost no queries.

The **diagram** of a system on a date:

- boxes: every board, committee and partnership open that day, and every organisation a
  seat speaks for (a place, an LMC…); the top board drawn bold;
- arrows: each seat hop, from the organisation a seat speaks for to the body it sits on,
  labelled with the seat's label; ``reports to`` arrows from a body to the body above;
- layers: rows by distance from the top board (the top board at the top, "top board ·
  layer 0"; each box on a route names its layer as every page does); where chains
  break, and what else has no route but a seat hop, in the bottom row; the bodies with no
  route and no seat hop (a place's own board, a partnership) listed in one note box below;
- marks: a vacant seat's arrow is red and dashed, labelled "VACANT"; a seat whose holders
  are not recorded is grey and dotted, labelled "not recorded"; where practices' chains
  break (``voice.summarise``) the organisation is a red double-bordered box saying how
  many practices break there; where their route is not recorded, a grey dotted box saying
  "no route recorded" and for how many (never red: no break is known).

The **ladder** of an organisation: its path (DESIGN.md's JSON), one box per layer from the
organisation at the bottom to the top board (each naming its layer when the path reaches
it), each arrow labelled with how it is reached
(member of, the seat and its holders, reports to); a broken chain ends in a red dashed
arrow to the top board marked "no route"; a route not recorded in a grey dotted one marked
"no route recorded".

Each SVG carries a ``<title>`` and a ``<desc>`` (the text alternative: what the picture
shows, in words) and ``role="img"``; each box's element id is ``org-<code>``, each seat
arrow's ``seat-<id>``.
"""

import datetime
import html
import re

import graphviz

from governance.domain import routes
from governance.domain.dates import in_words
from governance.models import BODY_KINDS, Kind
from governance.models.codes import printable
from governance.reading.graph import SystemGraph
from governance.reading.voice import body_layers, layer_words, summarise

FONT = "Helvetica"
COLOURS = {  # NHS.UK palette: fill of each kind's boxes
    "body": "#e8edee",
    "top": "#d2e5f5",
    "unit": "#ffffff",
    "broken": "#fde8e8",
    "unrecorded": "#f0f4f5",
}
RED, GREY, BLUE, BLACK = "#d5281b", "#768692", "#005eb8", "#212b32"
FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


class NoPicture(Exception):
    """There is nothing to draw (no governance recorded, or no path)."""


def _seat_style(seat) -> dict:
    if not seat.holders_recorded:
        return {"color": GREY, "fontcolor": GREY, "style": "dotted", "suffix": "not recorded"}
    if seat.vacant:
        return {"color": RED, "fontcolor": RED, "style": "dashed", "suffix": "VACANT"}
    return {"color": BLUE, "fontcolor": BLACK, "style": "solid", "suffix": ""}


# Attributes whose value is text from data (names, labels, holders). Graphviz reads a value in
# <...> as an HTML-like label, which can embed any image file the server can read (<IMG SRC>)
# or a link (HREF="javascript:..."), and backslash sequences as its own escapes; every text
# attribute is therefore given as plain text (``graphviz.escape``), whatever the name rule let in.
TEXT_ATTRIBUTES = ("label", "tooltip", "xlabel", "headlabel", "taillabel")


def _text(value: str | None) -> str | None:
    """``value`` as plain text for Graphviz: no HTML-like label, no escapes, nothing SVG (XML) cannot hold."""
    return graphviz.escape(printable(value)) if value else value


def _plain(attrs: dict) -> dict:
    return {key: _text(value) if key in TEXT_ATTRIBUTES else value for key, value in attrs.items()}


class _PlainTextDigraph(graphviz.Digraph):
    """A Digraph whose labels and tooltips are always plain text, never HTML-like labels or escapes."""

    def node(self, name, label=None, _attributes=None, **attrs):
        super().node(name, _text(label), _attributes=_attributes, **_plain(attrs))

    def edge(self, tail_name, head_name, label=None, _attributes=None, **attrs):
        super().edge(tail_name, head_name, _text(label), _attributes=_attributes, **_plain(attrs))

    def attr(self, kw=None, _attributes=None, **attrs):
        super().attr(kw, _attributes=_attributes, **_plain(attrs))


def _new(name: str) -> graphviz.Digraph:
    dot = _PlainTextDigraph(name=name)
    dot.attr(rankdir="BT", newrank="true", nodesep="0.3", ranksep="0.6", fontname=FONT, bgcolor="white")
    dot.attr("node", shape="box", style="rounded,filled", fontname=FONT, fontsize="11", margin="0.15,0.07")
    dot.attr("edge", fontname=FONT, fontsize="9", arrowsize="0.7")
    return dot


def _wrap(text: str, width: int = 28) -> str:
    """Break a long name over lines (Graphviz does not wrap)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


def system_diagram(graph: SystemGraph) -> tuple[graphviz.Digraph, str, str]:
    """The diagram of ``graph``'s system, its title and its text description.

    Raises ``NoPicture`` when the system has no top board recorded.
    """
    if graph.top_board is None or graph.root is None:
        raise NoPicture(f"No governance is recorded for {graph.root.name if graph.root else 'this system'}.")
    nodes = graph.nodes
    layers = body_layers(graph)
    seats = [s for s in graph.seats if s.body_id in nodes and s.represents_id in nodes]
    shown = set(layers) | {s.represents_id for s in seats}
    breaks, unrecorded = _break_counts(graph)
    shown |= set(breaks) | set(unrecorded)
    for pk in shown - set(layers):
        layers[pk] = graph.path(pk)["distance"]
    ends = {s.body_id for s in seats} | {s.represents_id for s in seats}
    unconnected = sorted(
        (pk for pk in shown if layers[pk] is None and pk not in breaks and pk not in unrecorded and pk not in ends),
        key=lambda pk: nodes[pk].name,
    )
    shown -= set(unconnected)
    on_route = {pk: layers[pk] for pk in shown if layers[pk] is not None}  # named in each box
    bottom = max(on_route.values(), default=0)
    for pk in shown:
        if layers[pk] is None:
            layers[pk] = bottom  # a break, or a body off the route with a seat hop: the bottom row
    title = f"Governance of {graph.root.name} on {in_words(graph.date)}"
    dot = _new("diagram")
    dot.attr(label=title, labelloc="t", fontsize="14")
    rows: dict[int | None, list[int]] = {}
    for pk in sorted(shown, key=lambda pk: nodes[pk].name):
        rows.setdefault(layers[pk], []).append(pk)
        node = nodes[pk]
        label = _wrap(node.name)
        if pk in on_route:
            label = f"{label}\n{layer_words(on_route[pk])}"
        attrs = {"fillcolor": COLOURS["body" if node.kind in BODY_KINDS else "unit"], "color": BLACK}
        if pk == graph.top_board.pk:
            attrs.update(fillcolor=COLOURS["top"], penwidth="2.5", color=BLUE)
        if pk in breaks:
            attrs.update(fillcolor=COLOURS["broken"], color=RED, peripheries="2")
            label = f"{label}\nchain breaks here: {breaks[pk]} practice{'s' if breaks[pk] != 1 else ''}"
        elif pk in unrecorded:
            attrs.update(fillcolor=COLOURS["unrecorded"], color=GREY, style="filled,dotted")
            n = unrecorded[pk]
            label = f"{label}\nno route recorded: {n} practice{'s' if n != 1 else ''}"
        elif layers[pk] is None:
            attrs.update(color=RED)
            label = f"{label}\nno route to the top board"
        dot.node(node.code, label, id=f"org-{node.code}", tooltip=f"{node.name} ({node.code})", **attrs)
    for layer, pks in sorted(rows.items(), key=lambda item: (item[0] is None, -(item[0] or 0))):
        with dot.subgraph(name=f"layer_{'none' if layer is None else layer}") as row:
            row.attr(rank="same")
            for pk in pks:
                row.node(nodes[pk].code)
    if unconnected:
        names = r"\l".join(f"• {nodes[pk].name}" for pk in unconnected)
        dot.node(
            "unconnected",
            rf"Not on a route to the top board:\l{names}\l",
            id="unconnected",
            shape="note",
            style="filled",
            fillcolor="#fff9c4",
            color=GREY,
        )
    for pk in shown:
        node = nodes[pk]
        parent = nodes.get(node.parent_id)
        if node.kind in BODY_KINDS and parent is not None and parent.kind in BODY_KINDS and parent.pk in shown:
            dot.edge(node.code, parent.code, label="reports to", color=GREY, fontcolor=GREY, id=f"reports-{node.code}")
    for seat in seats:
        style = _seat_style(seat)
        label = _wrap(seat.label, 24) + (f"\n{style['suffix']}" if style["suffix"] else "")
        dot.edge(
            nodes[seat.represents_id].code,
            nodes[seat.body_id].code,
            label=label,
            color=style["color"],
            fontcolor=style["fontcolor"],
            style=style["style"],
            penwidth="1.6" if seat.delegate else "1",
            id=f"seat-{seat.pk}",
        )
    return dot, title, _diagram_text(graph, shown, seats, breaks, unrecorded, unconnected)


def _break_counts(graph: SystemGraph) -> tuple[dict[int, int], dict[int, int]]:
    """Where chains break, and where routes are not recorded: practices by organisation pk."""
    by_code = {n.code: pk for pk, n in graph.nodes.items()}
    summary = summarise(graph)
    return tuple(
        {by_code[b["organisation"]["code"]]: b["practices"] for b in summary[key]} for key in ("breaks", "unrecorded")
    )


def _diagram_text(graph, shown, seats, breaks, unrecorded, unconnected) -> str:
    nodes = graph.nodes
    parts = [
        f"{len(shown)} boxes and {len(seats)} seats. Top board: {graph.top_board.name}.",
    ]
    for seat in sorted(seats, key=lambda s: (nodes[s.body_id].name, s.label)):
        state = _seat_style(seat)["suffix"] or "held"
        parts.append(
            f"{nodes[seat.represents_id].name} has a seat on {nodes[seat.body_id].name} ({seat.label}, {state})."
        )
    for pk, n in sorted(breaks.items(), key=lambda item: nodes[item[0]].name):
        parts.append(f"Chains break at {nodes[pk].name}: {n} practice{'s' if n != 1 else ''}.")
    for pk, n in sorted(unrecorded.items(), key=lambda item: nodes[item[0]].name):
        parts.append(f"No route recorded above {nodes[pk].name}: {n} practice{'s' if n != 1 else ''}.")
    if unconnected:
        parts.append("Not on a route to the top board: " + ", ".join(nodes[pk].name for pk in unconnected) + ".")
    return " ".join(parts)


def ladder_diagram(path: dict) -> tuple[graphviz.Digraph, str, str]:
    """The ladder of a representation path (DESIGN.md's JSON), its title and its text description.

    Raises ``NoPicture`` when the system has no top board recorded.
    """
    top = path["top_board"]
    if top is None:
        raise NoPicture(f"No governance is recorded for {path['system']['name']}: no path can be drawn.")
    origin = path["organisation"]
    title = f"Path of {origin['name']} to {top['name']} on {in_words(datetime.date.fromisoformat(path['date']))}"
    dot = _new("ladder")
    dot.attr(label=title, labelloc="t", fontsize="14")
    layers = path["layers"]
    if not path["reaches_top"] and len(layers) > 1 and layers[-1]["organisation"]["kind"] == Kind.ICB:
        layers = layers[:-1]  # the chain breaks below the ICB, which has no route of its own (voice)
    words = []
    for depth, layer in enumerate(layers):
        org = layer["organisation"]
        attrs = {"fillcolor": COLOURS["body" if org["kind"] in BODY_KINDS else "unit"], "color": BLACK}
        if org["code"] == top["code"]:
            attrs.update(fillcolor=COLOURS["top"], penwidth="2.5", color=BLUE)
        label = f"{_wrap(org['name'], 32)}\n{Kind(org['kind']).label} · {org['code']}"
        if path["reaches_top"]:
            label = f"{label}\n{layer_words(path['distance'] - depth)}"
        dot.node(org["code"], label, id=f"org-{org['code']}", **attrs)
        if depth == 0:
            continue
        below = layers[depth - 1]["organisation"]
        if "seat" in layer:
            seat = layer["seat"]
            holders = ", ".join(h["name"] for h in seat["holders"])
            recorded = seat.get("holders_recorded", True)
            state = "not recorded" if not recorded else ("VACANT" if seat["vacant"] else holders)
            colour = GREY if not recorded else (RED if seat["vacant"] else BLUE)
            edge_style = "dotted" if not recorded else ("dashed" if seat["vacant"] else "solid")
            dot.edge(
                below["code"],
                org["code"],
                label=f"seat: {_wrap(seat['label'], 28)}\n{_wrap(state, 28)}",
                color=colour,
                fontcolor=RED if colour == RED else BLACK,
                style=edge_style,
            )
            words.append(f"{below['name']} has a seat on {org['name']}: {seat['label']}, {state}.")
        else:
            how = "member of" if layer["via"] == "member_of" else "reports to"
            dot.edge(below["code"], org["code"], label=how, color=GREY, fontcolor=GREY)
            words.append(f"{below['name']} {'is a member of' if how == 'member of' else 'reports to'} {org['name']}.")
    if path["route"] == routes.NOT_RECORDED:
        last = layers[-1]["organisation"]
        dot.node(top["code"], _wrap(top["name"], 32), id=f"org-{top['code']}", fillcolor=COLOURS["top"], color=BLUE)
        dot.edge(last["code"], top["code"], label="no route recorded", color=GREY, fontcolor=GREY, style="dotted")
        verdict = (
            f"No route recorded: nothing recorded says whether a route leads from {origin['name']} to {top['name']}."
        )
    elif not path["reaches_top"]:
        last = layers[-1]["organisation"]
        dot.node(
            last["code"],
            f"{_wrap(last['name'], 32)}\n{Kind(last['kind']).label} · {last['code']}\nchain breaks here",
            id=f"org-{last['code']}",
            fillcolor=COLOURS["broken"],
            color=RED,
            peripheries="2",
        )
        dot.node(top["code"], _wrap(top["name"], 32), id=f"org-{top['code']}", fillcolor=COLOURS["top"], color=BLUE)
        dot.edge(
            last["code"], top["code"], label="no route: the chain breaks", color=RED, fontcolor=RED, style="dashed"
        )
        verdict = f"Broken chain: no route from {origin['name']} to {top['name']}."
    elif path["complete"]:
        verdict = f"Complete chain of {path['distance']} layers, every seat filled."
    else:
        verdict = f"{path['distance']} layers, but a seat on the way is vacant or its holders are not recorded."
    return dot, title, " ".join([verdict, *words])


def with_caption(dot: graphviz.Digraph, title: str, description: str, caption: str) -> tuple[str, str]:
    """``dot`` with ``caption`` (the sources' ages, a line each) under its title; the title and description to render.

    The caption goes in the picture itself, so a printed or pasted copy still says how old
    its data is; the description repeats it for screen readers.
    """
    if not caption:
        return title, description
    dot.attr(label=f"{title}\n{caption}")
    return title, f"{description} {'. '.join(caption.splitlines())}."


def render(dot: graphviz.Digraph, title: str, description: str, fmt: str) -> bytes:
    """``dot`` drawn as ``fmt`` (``svg`` or ``png``); an SVG gains its title, description and role."""
    drawn = dot.pipe(format=fmt)
    if fmt != "svg":
        return drawn
    text = drawn.decode("utf-8")
    accessible = (
        f'<title id="picture-title">{html.escape(printable(title))}</title>'
        f'<desc id="picture-desc">{html.escape(printable(description))}</desc>'
    )
    text = re.sub(
        r"<svg\b([^>]*)>",
        lambda m: f'<svg{m.group(1)} role="img" aria-labelledby="picture-title picture-desc">{accessible}',
        text,
        count=1,
    )
    return text.encode("utf-8")
