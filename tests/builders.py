"""Small builders for tests: a system in a few lines, through the tree service."""

import datetime

from governance.domain import tree
from governance.models import Appointment, Organisation, Person, Seat

D = datetime.date
DEFAULT_START = D(2023, 4, 1)


def org(code: str, kind: str, parent: Organisation | None = None, **fields) -> Organisation:
    """Create an organisation through the tree service (as every writer must)."""
    return tree.create_organisation(
        code=code, name=fields.pop("name", code.upper()), kind=kind, parent=parent, **fields
    )


def seat(body: Organisation, label: str, *, role="representative", selection="elected", **fields) -> Seat:
    return Seat.objects.create(body=body, label=label, role=role, selection=selection, **fields)


def appoint(seat: Seat, name: str, start: datetime.date = DEFAULT_START, end=None, **fields) -> Appointment:
    person, _ = Person.objects.get_or_create(name=name)
    return Appointment.objects.create(seat=seat, person=person, start=start, end=end, **fields)


def set_top_board(system: Organisation, board: Organisation) -> None:
    Organisation.objects.filter(pk=system.pk).update(top_board=board)
    system.refresh_from_db()


def system_a() -> dict:
    """QAA: two places, a PCN under the first with a practice, and a board with one held seat."""
    qaa = org("QAA", "icb", name="System A ICB")
    place_a = org("00A", "place", qaa, name="Alpha place")
    place_b = org("00B", "place", qaa, name="Beta place")
    pcn = org("U00001", "pcn", place_a, name="Alpha PCN")
    practice = org("P00001", "practice", pcn, name="Alpha Surgery")
    board = org("qaa-board", "board", qaa, name="System A board")
    held = seat(board, "Alpha place member", represents=place_a)
    appoint(held, "Illustrative Holder A", D(2023, 4, 1))
    return {"qaa": qaa, "00A": place_a, "00B": place_b, "pcn": pcn, "practice": practice, "board": board, "seat": held}


def greater_manchester(*, complete: bool) -> dict:
    """A Greater-Manchester-shaped system (QOP): six hops from a Bolton practice to the ICB board.

    Practice -> PCN -> Bolton (member of) -> GP board (Bolton's seat) -> primary care board
    (the GP board's seat) -> provider board (the primary care board's seat) -> ICB board
    (reports to); and a general practice partner member on the ICB board, beside the path.
    With ``complete``, every seat on the chain is held today; without, the GP board's seat
    was held until 2024-03-31 only and the provider board's seat was never filled.
    Returns the rows by name.
    """
    s = {}
    s["icb"] = org("QOP", "icb", name="NHS Greater Manchester ICB")
    s["board"] = org("qop-board", "board", s["icb"], name="ICB board")
    s["provider"] = org("qop-provider-board", "committee", s["board"], name="Provider board")
    s["primary"] = org("qop-primary-care-board", "board", s["icb"], name="Primary care board")
    s["gp"] = org("qop-gp-board", "board", s["icb"], name="GP board")
    s["bolton"] = org("00T", "place", s["icb"], name="Bolton")
    s["pcn"] = org("U00001", "pcn", s["bolton"], name="Bolton Central PCN")
    s["practice"] = org("P00001", "practice", s["pcn"], sub_icb=s["bolton"], name="Alpha Surgery", postcode="BL1 1AA")
    set_top_board(s["icb"], s["board"])
    s["bolton_seat"] = seat(s["gp"], "Bolton locality representative", represents=s["bolton"], delegate=True)
    s["gp_seat"] = seat(s["primary"], "GP board representative", represents=s["gp"], delegate=True)
    s["primary_seat"] = seat(s["provider"], "Primary care board representative", represents=s["primary"])
    s["partner"] = seat(
        s["board"],
        "Partner member (primary medical services)",
        role="partner_member",
        sector="general_practice",
        selection="nominated",
    )
    s["a"] = appoint(s["bolton_seat"], "Illustrative Holder A", D(2023, 4, 1), source="https://example.org/a")
    appoint(s["gp_seat"], "Illustrative Holder B", D(2023, 4, 1), end=None if complete else D(2024, 3, 31))
    if complete:
        appoint(s["primary_seat"], "Illustrative Holder C", D(2023, 4, 1))
    appoint(s["partner"], "Illustrative Partner", D(2022, 7, 1))
    return s


def clear_caches() -> None:
    """Forget cached graphs, pages and the remembered data version: a test's writes never commit."""
    from django.core.cache import caches

    from governance.caching import pages as page_cache
    from governance.caching import versioning
    from governance.reading import paths

    paths.clear_graph_cache()
    versioning.forget_latest()
    caches[page_cache.CACHE].clear()
