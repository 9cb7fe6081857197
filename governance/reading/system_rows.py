"""A system's rows, as its two exports read them: the governance file and Popolo.

Both read them here and only shape them: ``governance.governance_file.write`` (which also
reads an LMC's ``covers``, and the clusters and other sources' accounts only it writes) and
``popolo``.

Whole (today's tree, every appointment and cluster past and present) or on a day
(``on_day``): the system as it stood that day, in the structure of that day
(``governance.reading.as_of``): the organisations in it that day under their parents of that
day, the seats on its bodies, the holders and the clusters of that day.

One query each, whatever the system's size. Their order does not depend on tree positions:
organisations parent first, bodies before units, by code; seats by body, in the order they
were made (which loading a file keeps); holders by date.
"""

import datetime
from collections import defaultdict
from typing import NamedTuple

from django.db.models import Exists, OuterRef

from governance.models import BODY_KINDS, AlsoReported, Appointment, Cluster, Organisation, Seat
from governance.reading import as_of, paths


class Row(NamedTuple):
    """One organisation of the system, with what the exports write of it."""

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


def organisations(root: Organisation, on: OnDay | None = None) -> list[Row]:
    """The system's organisations, each after its parent; bodies before units among siblings, then by code.

    ``on``: those of that day, under their parents of that day; else today's whole tree.
    """
    chosen = (
        Organisation.objects.filter(pk__in=list(on.members))
        if on
        else Organisation.objects.filter(tree_id=root.tree_id)
    )
    rows = [
        Row(*values)
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
    children: dict[int | None, list[Row]] = defaultdict(list)
    for row in rows:
        children[row.parent_id].append(row)
    for siblings in children.values():
        siblings.sort(key=lambda row: (row.kind not in BODY_KINDS, row.code))
    ordered: list[Row] = []
    stack = [row for row in rows if row.pk == root.pk]
    while stack:
        row = stack.pop()
        ordered.append(row)
        stack.extend(reversed(children[row.pk]))
    return ordered


def seats(root: Organisation, rows: list[Row], on: OnDay | None = None) -> list[dict]:
    """The seats on the system's bodies (``on`` a day: its bodies that day), grouped by body in ``rows``' order.

    ``disputed``: another source names someone else for the seat (``reports`` reads them)."""
    order = {row.pk: i for i, row in enumerate(rows)}
    if on:
        chosen = Seat.objects.filter(body__in=[row.pk for row in rows if row.kind in BODY_KINDS])
    else:
        chosen = Seat.objects.filter(body__tree_id=root.tree_id)
    found = list(
        chosen.annotate(disputed=Exists(AlsoReported.objects.filter(seat=OuterRef("pk"))))
        .order_by()
        .values(
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
            "disputed",
        )
    )
    # Grouped by body in tree order; a body's seats in the order they were made (as a file lists them).
    found.sort(key=lambda seat: (order.get(seat["body_id"], len(order)), seat["pk"]))
    return found


def appointments(root: Organisation, seats: list[dict], on: OnDay | None = None) -> dict[int, list[dict]]:
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
        "acting",
    )
    for row in rows:
        by_seat[row["seat_id"]].append(row)
    return by_seat


def reports(seats: list[dict]) -> dict[int, list[dict]]:
    """Other sources' accounts of the ``seats``' holders (``name``, ``seen``, ``source``), by seat, by day seen.

    Every one, on a day too (as a body's page shows them on any date); a query only when a seat is disputed.
    """
    disputed = [seat["pk"] for seat in seats if seat["disputed"]]
    by_seat: dict[int, list[dict]] = defaultdict(list)
    if disputed:
        for row in (
            AlsoReported.objects.filter(seat__in=disputed)
            .order_by("seen", "name")
            .values("seat_id", "name", "seen", "source")
        ):
            by_seat[row["seat_id"]].append(row)
    return by_seat


def clusters(root: Organisation, on: OnDay | None = None) -> list[Cluster]:
    """The clusters of ICBs the system's root is in (one query): every one, or ``on`` a day, those of that day."""
    chosen = Cluster.objects.on(on.date) if on else Cluster.objects.all()
    return list(chosen.filter(icb=root).order_by("start", "name"))
