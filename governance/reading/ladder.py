"""A representation path as plain text: the ladder, top board first."""

from governance.domain import routes
from governance.reading.as_of import holder_name, since_words
from governance.reading.graph import VIA_TEXT


def _holders(seat: dict) -> str:
    if not seat.get("holders_recorded", True):
        return "NOT RECORDED (who holds it is not known)"
    if seat["vacant"]:
        return "VACANT"
    return ", ".join(
        f"{holder_name(h)} (since {h['from']})" if h.get("from") else f"{holder_name(h)} ({since_words(h)})"
        for h in seat["holders"]
    )


def _seat_line(seat: dict) -> str:
    traits = [seat["selection"], "delegate" if seat["delegate"] else "not a delegate"]
    traits.append("voting" if seat["voting"] else "non-voting")
    return f"“{seat['label']}”: {_holders(seat)} — {', '.join(traits)}"


def _why_incomplete(path: dict) -> str:
    seats = [layer["seat"] for layer in path["layers"] if "seat" in layer]
    reasons = []
    if any(seat["vacant"] for seat in seats):
        reasons.append("a seat on the way is vacant")
    if any(not seat.get("holders_recorded", True) for seat in seats):
        reasons.append("a seat on the way has its holders not recorded")
    return "; ".join(reasons)


def render(path: dict) -> str:
    """The path of DESIGN.md's JSON shape as a readable ladder."""
    origin = path["organisation"]
    top = path["top_board"]
    lines = [f"{origin['name']} ({origin['code']}, {origin['kind']}) on {path['date']}"]
    if top is None:
        lines.append(f"{path['system']['name']} has no top board recorded: no path can be drawn.")
    elif path["route"] == routes.NOT_RECORDED:
        lines.append(
            f"NO ROUTE RECORDED: nothing recorded says whether a route reaches {top['name']} ({top['code']}); "
            "not known to be broken. Member-of chain:"
        )
    elif not path["reaches_top"]:
        lines.append(f"BROKEN CHAIN: no route to {top['name']} ({top['code']}). Member-of chain:")
    else:
        state = "complete" if path["complete"] else f"INCOMPLETE ({_why_incomplete(path)})"
        lines.append(f"{path['distance']} layer(s) to {top['name']} ({top['code']}), {state}.")
    layers = path["layers"]
    for depth in range(len(layers) - 1, -1, -1):
        layer = layers[depth]
        org = layer["organisation"]
        lines.append(f"  {depth:>2}  {org['name']} ({org['code']}, {org['kind']})")
        if layer["via"]:
            how = VIA_TEXT[layer["via"]]
            detail = f" {_seat_line(layer['seat'])}" if "seat" in layer else ""
            lines.append(f"       ^ {how}{detail}")
    if path["sector_seats"]:
        lines.append("Sector seats on the top board (beside the path, not delegates of their sector unless marked):")
        for seat in path["sector_seats"]:
            lines.append(f"  - [{seat['sector']}] {_seat_line(seat)}")
    return "\n".join(lines)
