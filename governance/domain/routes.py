"""A practice's route to its system's top board: reaches, broken, or not recorded (DESIGN.md, "Routes").

Knowing nothing about the bodies below a board is not knowing that a practice has no route
to it. Whether the structure below the board is recorded is said by a system (its ICB's
``routes_recorded``) and, for the units below it, by a place; where neither says, the
system's own records decide (``recorded_by_default``), the same rule the governance file's
``routes`` key follows when it is left out.
"""

from collections.abc import Iterable

from governance.models import BODY_KINDS, Kind

REACHES, BROKEN, NOT_RECORDED = "reaches", "broken", "not_recorded"
ROUTES = (REACHES, BROKEN, NOT_RECORDED)
# Each route in words, where a page, a picture, a feed or the command names it.
ROUTE_TEXT = {REACHES: "Reaches the board", BROKEN: "Broken chain", NOT_RECORDED: "No route recorded"}
# The governance file's ``routes`` values, and what each stores in ``routes_recorded``.
FILE_VALUES = {"recorded": True, "not recorded": False}


def file_value(recorded: bool) -> str:
    """``routes_recorded`` as the governance file writes it."""
    return "recorded" if recorded else "not recorded"


def recorded_by_default(bodies: Iterable[tuple[str, str]], top_board: str | None, top_seat_represents: bool) -> bool:
    """Whether a system that does not say records its routes: it records a body (``(code, kind)``)
    other than its top board and its ICP, or a top-board seat that represents an organisation."""
    others = any(kind in BODY_KINDS and kind != Kind.ICP and code != top_board for code, kind in bodies)
    return others or top_seat_represents


def route(reaches_top: bool, recorded: bool) -> str:
    """The route of an organisation: it reaches the top, or its chain breaks where routes are recorded."""
    if reaches_top:
        return REACHES
    return BROKEN if recorded else NOT_RECORDED
