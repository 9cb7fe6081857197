"""Renderers beside JSON: CSV for lists and paths (``?format=csv``), YAML for governance files.

A view says how its data becomes a table with ``csv_table(data)``; by default each
result is one row, nested objects flattened to dotted column names. Paths are one row
per layer (``path_table``). Errors never reach these renderers: ``caching.ApiView``
answers them in JSON.
"""

import csv
import io

from rest_framework.renderers import BaseRenderer

from governance.governance_file.write import dump_yaml
from governance.reading.as_of import holder_name, since_words

# Spreadsheets run a cell that starts with one of these as a formula (CSV injection), also
# after leading spaces or line breaks, which they skip, and in their full-width forms, which
# some fold to the ASCII ones: such a cell is written with a leading apostrophe, shown as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# What a spreadsheet skips before deciding a cell is a formula.
SKIPPED_FIRST = " \n\r\t\u3000\u00a0"

# Of each layer's parent link (``memberships.parent_link_of``), its parent by code: the columns ``parent_link_*``.
PARENT_LINK_COLUMNS = (
    "parent", "relation", "start", "start_exact", "earliest_start", "end", "end_exact", "source", "basis",
)  # fmt: skip
PATH_COLUMNS = [
    "organisation",
    "date",
    "reaches_top",
    "route",
    "complete",
    "distance",
    "step",
    "code",
    "name",
    "kind",
    "via",
    "seat_label",
    "seat_role",
    "seat_selection",
    "seat_delegate",
    "seat_voting",
    "seat_vacant",
    "seat_holders_recorded",
    "seat_holders",
    *(f"parent_link_{name}" for name in PARENT_LINK_COLUMNS),
]


def results(data) -> list:
    """The rows of a response: a page's ``results``, a list as it is, or one object."""
    if isinstance(data, dict) and "results" in data:
        return list(data["results"])
    return list(data) if isinstance(data, list) else [data]


def flatten(item: dict, prefix: str = "") -> dict:
    """One level of columns: nested objects as ``outer.inner``, lists joined with "; "."""
    row = {}
    for key, value in item.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            row.update(flatten(value, f"{name}."))
        elif isinstance(value, list):
            row[name] = "; ".join(str(v) for v in value)
        else:
            row[name] = value
    return row


def flat_table(data, columns: list[str] | None = None) -> tuple[list[str], list[dict]]:
    """Each result as a row; the columns are ``columns`` or those of the rows, in first-seen order."""
    rows = [flatten(item) for item in results(data)]
    if columns is None:
        columns = list(dict.fromkeys(name for row in rows for name in row))
    return columns, rows


def holders_text(holders: list[dict]) -> str:
    return "; ".join(f"{holder_name(h)} ({since_words(h)}" + (f" to {h['to']})" if h["to"] else ")") for h in holders)


def parent_link_cells(link: dict | None) -> dict:
    """A layer's parent link as its ``parent_link_*`` cells (empty for a body or an ICB)."""
    link = link or {}
    cells = {f"parent_link_{name}": link.get(name) for name in PARENT_LINK_COLUMNS}
    cells["parent_link_parent"] = link["parent"]["code"] if link else None
    return cells


def path_table(data) -> tuple[list[str], list[dict]]:
    """Representation paths as one row per layer, the seat that carries each hop in ``seat_*`` columns."""
    rows = []
    for path in results(data):
        for step, layer in enumerate(path["layers"]):
            seat = layer.get("seat") or {}
            rows.append(
                {
                    "organisation": path["organisation"]["code"],
                    "date": path["date"],
                    "reaches_top": path["reaches_top"],
                    "route": path["route"],
                    "complete": path["complete"],
                    "distance": path["distance"],
                    "step": step,
                    **layer["organisation"],
                    "via": layer["via"],
                    "seat_label": seat.get("label"),
                    "seat_role": seat.get("role"),
                    "seat_selection": seat.get("selection"),
                    "seat_delegate": seat.get("delegate"),
                    "seat_voting": seat.get("voting"),
                    "seat_vacant": seat.get("vacant"),
                    "seat_holders_recorded": seat.get("holders_recorded"),
                    "seat_holders": holders_text(seat["holders"]) if seat else None,
                    **parent_link_cells(layer.get("parent_link")),
                }
            )
    return PATH_COLUMNS, rows


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    formula = text.startswith(FORMULA_STARTS) or text.lstrip(SKIPPED_FIRST).startswith(FORMULA_STARTS)
    return "'" + text if formula else text


def csv_text(columns: list[str], rows) -> str:
    """``rows`` (dicts) as RFC 4180 lines of ``columns``, the header line first."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([cell(row.get(name)) for name in columns] for row in rows)
    return out.getvalue()


class CSVRenderer(BaseRenderer):
    """``text/csv``: a header row, then the rows the view's ``csv_table`` makes of the data."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        columns, rows = view.csv_table(data) if hasattr(view, "csv_table") else flat_table(data)
        return csv_text(columns, rows).encode(self.charset)


class YAMLRenderer(BaseRenderer):
    """``application/yaml``, as a governance file is written (``governance_file.write.dump_yaml``)."""

    media_type = "application/yaml"
    format = "yaml"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return dump_yaml(data).encode(self.charset)
