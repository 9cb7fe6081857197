"""Systems side by side: how far practices stand from the board, and how whole the chains are.

``compare_systems(date, sort)`` returns one plain row per system (ICB) open on the date, in a
fixed number of queries: the roots, then the graphs of that day of every system with governance
recorded (``paths.cached_graphs``: England's structure of that day, ``as_of``).
"""

import datetime
from dataclasses import dataclass

from governance.domain.composition import MET, composition
from governance.models import Organisation
from governance.reading import as_of
from governance.reading.paths import cached_graphs
from governance.reading.voice import summarise


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    numeric: bool = True
    first_descending: bool = False  # a first click on a "more is better" column shows the best first


COLUMNS = (
    Column("name", "System", numeric=False),
    Column("region", "Region", numeric=False),
    Column("median_distance", "Median layers from practice to board"),
    Column("share_complete", "Practices with a complete chain", first_descending=True),
    Column("gp_seats", "GP seats on the top board", first_descending=True),
    Column("vacancies", "Vacant seats"),
    Column("composition", "Statutory board requirements met", first_descending=True),
    Column("verified", "Holders last verified", numeric=False, first_descending=True),
)
SORT_KEYS = {column.key for column in COLUMNS}
DEFAULT_SORT = "name"


def parse_sort(value: str | None) -> tuple[str, bool]:
    """``?sort=`` as (column key, descending); unknown values fall back to the system name."""
    value = (value or "").strip()
    descending = value.startswith("-")
    key = value.lstrip("-")
    if key not in SORT_KEYS:
        return DEFAULT_SORT, False
    return key, descending


def _row(root: dict, name: str, summary: dict | None, check: dict | None) -> dict:
    row = {
        "code": root["code"],
        "name": name,
        "region": root["region"],
        "governance": summary is not None,
        "median_distance": None,
        "share_complete": None,
        "gp_seats": None,
        "vacancies": None,
        "practices": None,
        "complete": None,
        "routes_recorded": None,  # practices whose route is recorded (the share's whole)
        "routes_not_recorded": None,
        "unrecorded": None,
        "composition": None,
        "composition_met": None,
        "illustrative": False,
        "verified": None,
    }
    if summary is not None:
        practices = summary["practices"]
        row.update(
            median_distance=practices["median_distance"],
            share_complete=practices["share_complete"],
            gp_seats=summary["top_board_gp_seats"],
            vacancies=summary["vacant_seats"],
            practices=practices["total"],
            complete=practices["complete"],
            routes_recorded=practices["recorded"],
            routes_not_recorded=practices["routes"]["not_recorded"],
            unrecorded=summary["unrecorded_seats"],
            composition=sum(r["status"] == MET for r in check["requirements"]),
            composition_met=check["met"],
            illustrative=summary["provenance"]["illustrative"],
            verified=summary["provenance"]["verified"],
        )
    return row


def _sorted(rows: list[dict], key: str, descending: bool) -> list[dict]:
    """Rows by ``key``; rows without a value (no governance recorded) always last, then by name."""
    by_name = sorted(rows, key=lambda r: (r["name"].lower(), r["code"]))
    if key in ("name", "region"):
        return sorted(by_name, key=lambda r: (r[key] or "").lower(), reverse=descending)
    present = [r for r in by_name if r[key] is not None]
    missing = [r for r in by_name if r[key] is None]
    return sorted(present, key=lambda r: r[key], reverse=descending) + missing


def compare_systems(date: datetime.date, sort: str | None = None, *, version: str | None = None) -> dict:
    """The row at ``date`` of every system open that day, in the structure of that day, sorted by ``sort``
    (a column key, ``-`` first for descending). Given the data ``version``, the graphs come from the cache.

    Returns ``{"date", "sort", "descending", "columns": [{"key", "label", "aria_sort",
    "next_sort"}], "rows": [{"code", "name" (of the date), "region", "governance", "median_distance",
    "share_complete", "gp_seats", "vacancies", "unrecorded", "practices", "complete",
    "illustrative", "verified"}]}``; a system without governance has None in every measure.
    ``unrecorded`` counts the seats whose holders are not recorded (never counted as vacant);
    ``composition`` how many of the top board's nine statutory requirements are met, and
    ``composition_met`` the board's ``met`` (``governance.domain.composition``);
    ``verified`` is the day its holders were last checked (ISO), ``illustrative`` whether invented.
    """
    key, descending = parse_sort(sort)
    roots = list(
        Organisation.objects.filter(parent__isnull=True)
        .open_on(date)
        .order_by("name")
        .values("pk", "code", "name", "region", "top_board_id")
    )
    structure = as_of.england(version)
    graphs = cached_graphs([r["pk"] for r in roots if r["top_board_id"]], date, version, structure=structure)
    rows = []
    for root in roots:
        graph, name = graphs.get(root["pk"]), structure.name_on(root["pk"], date)
        rows.append(_row(root, name, summarise(graph) if graph else None, composition(graph) if graph else None))
    columns = []
    for column in COLUMNS:
        active = column.key == key
        next_descending = not descending if active else column.first_descending
        columns.append(
            {
                "key": column.key,
                "label": column.label,
                "numeric": column.numeric,
                "aria_sort": ("descending" if descending else "ascending") if active else None,
                "next_sort": f"{'-' if next_descending else ''}{column.key}",
            }
        )
    return {
        "date": date.isoformat(),
        "sort": key,
        "descending": descending,
        "columns": columns,
        "rows": _sorted(rows, key, descending),
    }
