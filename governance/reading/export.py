"""A system's governance out of the database: as a governance file, and as Popolo JSON.

``governance_file`` writes what ``governance.governance_file`` reads (DESIGN.md, "The
governance file"), so that loading an export into the database it came from changes
nothing, and exporting again after loading it elsewhere gives the same file. It holds
what governance keeps: the system's root, every organisation whose ``source`` is
governance (boards, committees, places declared in files or by editors), all seats on
the system's bodies and every appointment to them, past and present. ODS-imported
organisations (PCNs, practices) stay out; a file that names one (a board under a PCN,
a seat representing a PCN) loads where the ODS data is loaded.

``popolo`` gives the same system in the Popolo data specification's terms
(https://www.popoloproject.com/): organizations (the whole tree), posts (seats),
persons and memberships (appointments).

Both take an optional day (``on_day``): the system as it stood that day, in the structure of
that day (``governance.reading.as_of``): the organisations in it that day under their parents
of that day, the seats on its bodies, and the holders of that day. Without one, today's whole
tree and every appointment, past and present (the file that loads back unchanged).

Both read a system in a fixed number of queries, whatever its size. Their order does
not depend on tree positions: organisations parent first, bodies before units, by code;
seats by body, in the order they were made (which loading a file keeps); holders by date.
"""

import datetime
from collections import defaultdict
from typing import NamedTuple

import yaml

from governance.domain import routes
from governance.governance_file.format import HOLDERS_UNKNOWN
from governance.models import BODY_KINDS, Appointment, Coverage, Kind, Organisation, Seat, Source
from governance.reading import as_of, paths


class _Row(NamedTuple):
    pk: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    source: str
    opened: datetime.date | None
    closed: datetime.date | None
    postcode: str
    routes_recorded: bool | None
    governance_source: str
    verified_on: datetime.date | None
    also_known_as: str


class OnDay(NamedTuple):
    """A system as it stood on ``date``: its organisations that day, each with its parent that day."""

    date: datetime.date
    members: dict[int, int | None]


def on_day(root: Organisation, date: datetime.date | None, version: str | None = None) -> OnDay | None:
    """``root``'s system on ``date`` (None: no date, the whole tree of today); ``SystemNotOpen`` on a day it was closed.

    The structure of that date (``governance.reading.as_of``, remembered per data ``version``).
    """
    if date is None:
        return None
    closed = paths.system_not_open(root.pk, date, version=version)
    if closed:
        raise paths.SystemNotOpen(closed)
    return OnDay(date, as_of.england(version).members_on(root.pk, date))


def _tree(root: Organisation, on: OnDay | None = None) -> list[_Row]:
    """The system's organisations, each after its parent; bodies before units among siblings, then by code.

    ``on``: those of that day, under their parents of that day; else today's whole tree.
    """
    chosen = (
        Organisation.objects.filter(pk__in=list(on.members))
        if on
        else Organisation.objects.filter(tree_id=root.tree_id)
    )
    rows = [
        _Row(*values)
        for values in chosen.order_by().values_list(
            "pk",
            "code",
            "name",
            "kind",
            "parent_id",
            "source",
            "opened",
            "closed",
            "postcode",
            "routes_recorded",
            "governance_source",
            "verified_on",
            "also_known_as",
        )
    ]
    if on:
        rows = [row._replace(parent_id=on.members[row.pk]) for row in rows]
    children: dict[int | None, list[_Row]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    for siblings in children.values():
        siblings.sort(key=lambda row: (row.kind not in BODY_KINDS, row.code))
    ordered: list[_Row] = []
    stack = [row for row in rows if row.pk == root.pk]
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(reversed(children[row.pk]))
    return ordered


def _seats(root: Organisation, rows: list[_Row], on: OnDay | None = None) -> list[dict]:
    """The seats on the system's bodies (``on`` a day: its bodies that day), grouped by body in ``rows``' order."""
    order = {row.pk: i for i, row in enumerate(rows)}
    if on:
        chosen = Seat.objects.filter(body__in=[row.pk for row in rows if row.kind in BODY_KINDS])
    else:
        chosen = Seat.objects.filter(body__tree_id=root.tree_id)
    seats = list(
        chosen.order_by().values(
            "pk",
            "body_id",
            "body__code",
            "label",
            "role",
            "sector",
            "represents__code",
            "selection",
            "delegate",
            "voting",
            "max_holders",
            "portfolio",
            "holders_recorded",
            "mental_health",
        )
    )
    # Grouped by body in tree order; a body's seats in the order they were made (as a file lists them).
    seats.sort(key=lambda seat: (order.get(seat["body_id"], len(order)), seat["pk"]))
    return seats


def _appointments(root: Organisation, seats: list[dict], on: OnDay | None = None) -> dict[int, list[dict]]:
    """Every appointment to the system's seats, past and present; ``on`` a day, those current that day."""
    by_seat: dict[int, list[dict]] = defaultdict(list)
    if on:
        chosen = Appointment.objects.current_on(on.date).filter(seat__in=[seat["pk"] for seat in seats])
    else:
        chosen = Appointment.objects.filter(seat__body__tree_id=root.tree_id)
    rows = chosen.order_by("start", "person__name", "pk").values(
        "pk",
        "seat_id",
        "person_id",
        "person__name",
        "start",
        "end",
        "term_ends",
        "source",
        "start_known",
        "end_known",
        "seen",
    )
    for row in rows:
        by_seat[row["seat_id"]].append(row)
    return by_seat


# --- the governance file ----------------------------------------------------------------------


def system_entry(root: Organisation, *, region: bool = True) -> dict:
    """The ``system`` entry of a governance file for the system whose root is ``root``."""
    system = {"code": root.code, "name": root.name}
    if region and root.region:
        system["region"] = root.region
    if root.governance_source:
        system["source"] = root.governance_source
    if root.verified_on:
        system["verified"] = root.verified_on
    if root.illustrative:
        system["illustrative"] = True
    if root.routes_recorded is not None:
        system["routes"] = routes.file_value(root.routes_recorded)
    return system


def governance_file(root: Organisation, on: OnDay | None = None) -> dict:
    """The governance file of the system whose root is ``root``, as data (dates as ``datetime.date``).

    Four queries (five when the system has an LMC: its ``covers``). Loading it
    (``load_governance``) reproduces the system's governance; keys at their defaults
    (``max_holders: 1``, empty ``opened``…) are left out. ``on`` a day (``on_day``): the
    system as it stood that day, its organisations, their parents and seats that day and the
    holders of that day.
    """
    rows = _tree(root, on)
    codes = {row.pk: row.code for row in rows}
    data: dict = {"system": system_entry(root)}
    if root.top_board_id is not None:
        data["top_board"] = codes.get(root.top_board_id) or Organisation.objects.get(pk=root.top_board_id).code
    covers = _covers(rows)
    data["organisations"] = [
        _organisation(row, codes, covers.get(row.pk)) for row in rows if row.pk != root.pk and _kept(row)
    ]
    seats = _seats(root, rows, on)
    appointments = _appointments(root, seats, on)
    data["seats"] = [_seat(seat, appointments.get(seat["pk"], [])) for seat in seats]
    return data


def _kept(row: _Row) -> bool:
    return row.source == Source.GOVERNANCE


def _covers(rows: list[_Row]) -> dict[int, list[str]]:
    """The codes each of the system's LMCs covers, sorted (one query, none without an LMC)."""
    lmcs = [row.pk for row in rows if row.kind == Kind.LMC]
    covers: dict[int, list[str]] = defaultdict(list)
    if lmcs:
        for lmc, code in (
            Coverage.objects.filter(lmc__in=lmcs).order_by("covered__code").values_list("lmc_id", "covered__code")
        ):
            covers[lmc].append(code)
    return covers


def _organisation(row: _Row, codes: dict[int, str], covers: list[str] | None = None) -> dict:
    entry = {"code": row.code, "name": row.name, "kind": row.kind, "parent": codes[row.parent_id]}
    if row.opened:
        entry["opened"] = row.opened
    if row.closed:
        entry["closed"] = row.closed
    if row.postcode:
        entry["postcode"] = row.postcode
    if row.also_known_as:
        entry["also_known_as"] = row.also_known_as.splitlines()
    if covers:
        entry["covers"] = covers
    if row.governance_source:
        entry["source"] = row.governance_source
    if row.verified_on:
        entry["seen"] = row.verified_on
    if row.kind == Kind.PLACE and row.routes_recorded is not None:
        entry["routes"] = routes.file_value(row.routes_recorded)
    return entry


def _seat(seat: dict, appointments: list[dict]) -> dict:
    entry = {"board": seat["body__code"], "label": seat["label"], "role": seat["role"], "selection": seat["selection"]}
    if seat["represents__code"]:
        entry["represents"] = seat["represents__code"]
    if seat["sector"]:
        entry["sector"] = seat["sector"]
    entry["delegate"] = seat["delegate"]
    entry["voting"] = seat["voting"]
    if seat["max_holders"] != 1:
        entry["max_holders"] = seat["max_holders"]
    if seat["portfolio"]:
        entry["portfolio"] = seat["portfolio"]
    if seat.get("mental_health"):
        entry["mental_health"] = True
    # A seat whose holders are not recorded has no appointments (rules.check_holders_not_recorded).
    entry["holders"] = [_holder(a) for a in appointments] if seat["holders_recorded"] else HOLDERS_UNKNOWN
    return entry


def _holder(appointment: dict) -> dict:
    holder = {"name": appointment["person__name"]}
    if appointment.get("start_known", True):
        holder["from"] = appointment["start"]
    if appointment.get("seen"):
        holder["seen"] = appointment["seen"]
    if appointment["end"] and appointment.get("end_known", True):  # an implied end is re-derived on loading
        holder["to"] = appointment["end"]
    if appointment["term_ends"]:
        holder["term_ends"] = appointment["term_ends"]
    if appointment["source"]:
        holder["source"] = appointment["source"]
    return holder


class _PlainDumper(yaml.SafeDumper):
    """Writes a value used twice (one date for two organisations) out twice: the loader refuses aliases."""

    def ignore_aliases(self, data):
        return True


def dump_yaml(data: dict, *, made_by: str = "exported by icsmap") -> str:
    """``data`` as YAML in the style of the shipped governance files: one line per organisation and holder.

    PyYAML quotes whatever would read back as another type (``'010'``, ``'yes'``), and
    dates are written as YAML dates, which the loader reads as dates. ``made_by`` goes in
    the first line's comment.
    """
    code = data.get("system", {}).get("code", "a system")
    header = f"# Governance of {code}, {made_by}; load with manage.py load_governance.\n"
    return header + yaml.dump(
        data, Dumper=_PlainDumper, sort_keys=False, allow_unicode=True, default_flow_style=None, width=2**16
    )


# --- Popolo -------------------------------------------------------------------------------------


def _source(text: str) -> dict:
    """A Popolo link: ``url`` for a web address, ``note`` for a citation."""
    return {"url": text} if text.startswith(("http://", "https://")) else {"note": text}


def popolo(root: Organisation, on: OnDay | None = None) -> dict:
    """The system whose root is ``root`` in Popolo's terms: organizations, posts, persons, memberships.

    Organizations are the whole tree (``classification`` is the kind); posts are seats, with
    what Popolo has no field for (what a seat represents, how it is filled) under ``extras``;
    memberships are appointments, past and present. Three queries. ``on`` a day (``on_day``):
    the organizations of that day under their parents of that day, their posts, and the
    memberships current that day.
    """
    rows = _tree(root, on)
    codes = {row.pk: row.code for row in rows}
    organizations = []
    for row in rows:
        entry = {"id": row.code, "name": row.name, "classification": row.kind, "parent_id": codes.get(row.parent_id)}
        if row.opened:
            entry["founding_date"] = row.opened.isoformat()
        if row.closed:
            entry["dissolution_date"] = row.closed.isoformat()
        organizations.append(entry)
    seats = _seats(root, rows, on)
    posts = [
        {
            "id": f"seat-{seat['pk']}",
            "label": seat["label"],
            "role": seat["role"],
            "organization_id": seat["body__code"],
            "extras": {
                "represents_id": seat["represents__code"],
                "sector": seat["sector"] or None,
                "selection": seat["selection"],
                "delegate": seat["delegate"],
                "voting": seat["voting"],
                "max_holders": seat["max_holders"],
                "portfolio": seat["portfolio"] or None,
                "holders_recorded": seat["holders_recorded"],
            },
        }
        for seat in seats
    ]
    appointments = _appointments(root, seats, on)
    persons: dict[int, dict] = {}
    memberships = []
    for seat in seats:
        for appointment in appointments.get(seat["pk"], []):
            person_id = f"person-{appointment['person_id']}"
            persons.setdefault(appointment["person_id"], {"id": person_id, "name": appointment["person__name"]})
            membership = {
                "id": f"appointment-{appointment['pk']}",
                "person_id": person_id,
                "organization_id": seat["body__code"],
                "post_id": f"seat-{seat['pk']}",
                "role": seat["role"],
                "label": seat["label"],
                "start_date": appointment["start"].isoformat(),
            }
            if appointment["end"]:
                membership["end_date"] = appointment["end"].isoformat()
            if appointment["source"]:
                membership["sources"] = [_source(appointment["source"])]
            memberships.append(membership)
    return {
        "organizations": organizations,
        "posts": posts,
        "persons": sorted(persons.values(), key=lambda person: (person["name"], person["id"])),
        "memberships": memberships,
    }
