"""What changed, when, and who changed it: the history of organisations, seats, people and appointments.

django-simple-history writes a history row on every ``save()`` and ``delete()``, with the
user of the request (``HistoryRequestMiddleware``). Writes that send no signals record
their rows here instead: the tree service after a move (django-mptt moves with raw SQL)
and the ODS import's bulk writes.

Reading it back, ``recent_changes`` (the admin's page) and ``changes_since`` (for the
API's ``changes/?since=`` feed) turn history rows into changes — which model and which
object (by the keys the governance file uses), created, changed or deleted, when, by
whom, and which fields went from what to what — in a fixed number of queries.
"""

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Model, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.models import Appointment, Organisation, Person, Seat

CHANGE_TYPES = {"+": "created", "~": "changed", "-": "deleted"}
IMPORT_REASON = "ODS import"
ORGANISATION_LINKS = ("parent", "sub_icb", "top_board", "body", "represents")  # foreign keys to organisations


# --- writing ---------------------------------------------------------------------------


def current_user():
    """The signed-in user of the request being served (set by HistoryRequestMiddleware), or None."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def record(instance: Model, *, reason: str | None = None) -> None:
    """Write one "changed" history row for ``instance`` as it stands, by the current user.

    For writes that bypass ``save()`` signals; ``instance`` must hold the stored values.
    """
    record_bulk([instance], created=False, reason=reason)


def record_bulk(
    instances: list[Model],
    *,
    created: bool,
    when: datetime.datetime | None = None,
    reason: str | None = None,
    batch_size: int = 1000,
) -> None:
    """Write a history row for each of ``instances`` (one model), in bulk, after a bulk write.

    Every tracked field of each instance must hold its stored value: the row records them all.
    """
    if not instances:
        return
    type(instances[0]).history.bulk_history_create(
        instances,
        batch_size=batch_size,
        update=not created,
        default_user=current_user(),
        default_change_reason=reason,
        default_date=when,
    )


def copy_to_history(
    model: type[Model],
    pks: list[int],
    *,
    history_type: str,
    when: datetime.datetime | None = None,
    reason: str | None = None,
    batch_size: int = 500,
) -> None:
    """Write a history row of ``history_type`` ("+", "~" or "-") for each row ``pks`` of ``model``, as stored now.

    The rows are copied inside the database (one INSERT … SELECT per batch): after a bulk
    write of thousands of rows (the ODS import) that costs a fraction of building a Python
    object per row as ``record_bulk`` does. For "-", call it before the delete.
    """
    if not pks:
        return
    historical = model.history.model
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in historical.tracked_fields]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    user = current_user()
    values = [when or timezone.now(), reason, history_type, user.pk if user else None]
    for start in range(0, len(pks), batch_size):
        batch = pks[start : start + batch_size]
        target = f"{quote(historical._meta.db_table)} ({', '.join([*columns, *map(quote, extra)])})"
        placeholders = ", ".join(["%s"] * len(batch))
        sql = (
            f"INSERT INTO {target} SELECT {', '.join(columns)}, %s, %s, %s, %s "  # noqa: S608 - quoted model names
            f"FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({placeholders})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*values, *batch])


# --- reading ---------------------------------------------------------------------------


@dataclass
class Change:
    """One history row, read as a change to one object."""

    model: str  # organisation, seat, person, appointment
    id: int
    key: dict  # as the governance file names it: {"code"}, {"board", "label"}, {"name"}, {…, "name", "from"}
    change: str  # created, changed, deleted
    time: datetime.datetime
    user: str | None
    reason: str | None
    changes: dict[str, tuple] = field(default_factory=dict)  # field → (old, new); organisations by code
    history_id: int = 0

    @property
    def changed_fields(self) -> list[str]:
        return list(self.changes)

    def describe(self) -> str:
        """The changes as one line of text: ``name Old → New; parent 00A → 00B`` (created: ``name New``)."""
        if self.change == "created":
            return "; ".join(f"{name} {_text(new)}" for name, (_old, new) in self.changes.items())
        return "; ".join(f"{name} {_text(old)} → {_text(new)}" for name, (old, new) in self.changes.items())

    def as_dict(self) -> dict:
        """JSON-ready: dates as ISO text."""
        return {
            "model": self.model,
            "id": self.id,
            "key": {name: _json(value) for name, value in self.key.items()},
            "change": self.change,
            "time": self.time.isoformat(),
            "user": self.user,
            "reason": self.reason,
            "changed_fields": self.changed_fields,
            "changes": {name: {"from": _json(old), "to": _json(new)} for name, (old, new) in self.changes.items()},
        }


def _text(value) -> str:
    return "none" if value in (None, "") else str(value)


def _json(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def _system_root(system) -> Organisation | None:
    if system is None or isinstance(system, Organisation):
        return system
    return Organisation.objects.filter(code=system, parent__isnull=True).first()


def _histories(root: Organisation | None) -> dict[str, QuerySet]:
    """Each model's history rows, narrowed to ``root``'s system when given.

    History keeps no tree numbers, so a row belongs to a system through the organisations
    that are in it now: an organisation's own rows while it is there, and the rows of those
    deleted from under one of them; seats on its bodies; appointments to those seats (or
    seats since deleted). People are shared between systems: only shown for all systems.
    """
    histories = {
        "organisation": Organisation.history.all(),
        "seat": Seat.history.all(),
        "appointment": Appointment.history.all(),
        "person": Person.history.all(),
    }
    if root is None:
        return histories
    in_system = Organisation.objects.filter(tree_id=root.tree_id).values("pk")
    seats = Q(seat_id__in=Seat.objects.filter(body__in=in_system).values("pk")) | Q(
        seat_id__in=Seat.history.filter(body_id__in=in_system).values("id")
    )
    return {
        "organisation": histories["organisation"].filter(Q(id__in=in_system) | Q(parent_id__in=in_system)),
        "seat": histories["seat"].filter(body_id__in=in_system),
        "appointment": histories["appointment"].filter(seats),
    }


class _Names:
    """Codes, seat keys and names by id, for ids that may have been deleted since (then from history)."""

    def __init__(self):
        self.codes: dict[int, str] = {}
        self.seats: dict[int, tuple[int, str]] = {}  # seat id → (body id, label)
        self.people: dict[int, str] = {}

    def load(self, organisation_ids: set, seat_ids: set, person_ids: set) -> None:
        seat_ids -= set(self.seats)
        self.seats.update(_latest(Seat, seat_ids, "body_id", "label"))
        organisation_ids |= {body for body, _label in self.seats.values()}
        organisation_ids -= set(self.codes)
        self.codes.update((pk, code) for pk, (code,) in _latest(Organisation, organisation_ids, "code").items())
        person_ids -= set(self.people)
        self.people.update((pk, name) for pk, (name,) in _latest(Person, person_ids, "name").items())

    def seat_key(self, seat_id) -> dict:
        body, label = self.seats.get(seat_id, (None, None))
        return {"board": self.codes.get(body), "label": label}


def _latest(model, ids: set, *fields: str) -> dict[int, tuple]:
    """``fields`` of each object by id: as stored, or as last recorded if deleted. Two queries at most."""
    if not ids:
        return {}
    found = {pk: tuple(values) for pk, *values in model.objects.filter(pk__in=ids).values_list("pk", *fields)}
    missing = ids - set(found)
    if missing:
        rows = model.history.filter(id__in=missing).order_by("history_date", "history_id")
        found.update((pk, tuple(values)) for pk, *values in rows.values_list("id", *fields))
    return found


def _changes(rows: list, previous: dict) -> list[tuple]:
    """(row, {field: (old, new)}) for each history row, against the row before it for the same object."""
    result = []
    for row in rows:
        fields = row.tracked_fields
        if row.history_type == "-":
            result.append((row, {}))
            continue
        before = previous.get(row.prev_history_id) if row.history_type == "~" else None
        diff = {}
        for f in fields:
            if f.primary_key:
                continue
            new = getattr(row, f.attname)
            old = getattr(before, f.attname) if before is not None else None
            if before is None and new in (None, ""):
                continue  # a new object (or the first row kept of an old one): list only what is set
            if before is None or old != new:
                diff[f.name] = (old, new)
        result.append((row, diff))
    return result


def _read(histories: dict[str, QuerySet], *, since=None, limit: int | None = None, newest_first=True) -> list[Change]:
    order = ("-history_date", "-history_id") if newest_first else ("history_date", "history_id")
    read: list[tuple[str, object, dict]] = []
    for model, rows in histories.items():
        if since is not None:
            rows = rows.filter(history_date__gt=since)
        # History ids grow with every row written, so the row before is the next lower id.
        before = rows.model.objects.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
        rows = rows.annotate(prev_history_id=Subquery(before.order_by("-history_id").values("history_id")[:1]))
        history_model = rows.model
        rows = rows.select_related("history_user").order_by(*order)
        rows = list(rows[:limit] if limit else rows)
        # The rows just before the changed ones, in one query, to tell what changed.
        wanted = {row.prev_history_id for row in rows if row.history_type == "~" and row.prev_history_id}
        previous = {row.history_id: row for row in history_model.objects.filter(history_id__in=wanted)}
        read += [(model, row, diff) for row, diff in _changes(rows, previous)]

    read.sort(key=lambda item: (item[1].history_date, item[1].history_id), reverse=newest_first)
    if limit:
        read = read[:limit]
    names = _Names()
    organisation_ids, seat_ids, person_ids = set(), set(), set()
    for model, row, diff in read:
        for name, (old, new) in diff.items():
            if name in ORGANISATION_LINKS:
                organisation_ids |= {old, new} - {None}
            elif name == "seat":
                seat_ids |= {old, new} - {None}
            elif name == "person":
                person_ids |= {old, new} - {None}
        if model == "seat":
            organisation_ids.add(row.body_id)
        elif model == "appointment":
            seat_ids.add(row.seat_id)
            person_ids.add(row.person_id)
    names.load(organisation_ids, seat_ids, person_ids)
    return [_change(model, row, diff, names) for model, row, diff in read]


def _change(model: str, row, diff: dict, names: _Names) -> Change:
    if model == "organisation":
        key = {"code": row.code}
    elif model == "seat":
        key = {"board": names.codes.get(row.body_id), "label": row.label}
    elif model == "person":
        key = {"name": row.name}
    else:
        key = {**names.seat_key(row.seat_id), "name": names.people.get(row.person_id), "from": row.start}

    def show(name, value):
        if value is None:
            return None
        if name in ORGANISATION_LINKS:
            return names.codes.get(value, value)
        if name == "seat":
            seat = names.seat_key(value)
            return f"{seat['board']} / {seat['label']}"
        if name == "person":
            return names.people.get(value, value)
        return value

    return Change(
        model=model,
        id=row.id,
        key=key,
        change=CHANGE_TYPES[row.history_type],
        time=row.history_date,
        user=row.history_user.get_username() if row.history_user else None,
        reason=row.history_change_reason,
        changes={name: (show(name, old), show(name, new)) for name, (old, new) in diff.items()},
        history_id=row.history_id,
    )


def recent_changes(system=None, *, limit: int = 100) -> list[Change]:
    """The latest ``limit`` changes, newest first; in one system (a root or its code) if given.

    A system holds organisations, seats and appointments; people only appear for all systems.
    An unknown system code gives no changes.
    """
    root = _system_root(system)
    if system is not None and root is None:
        return []
    return _read(_histories(root), limit=limit)


def changes_since(when: datetime.datetime, system=None, *, limit: int | None = None) -> list[dict]:
    """Every change after ``when``, oldest first, as JSON-ready dicts (for ``changes/?since=``).

    Writes to this database, at the time they were made: not what changed in the NHS on which
    day (that is ``governance.reading.timeline``).

    Each: ``model``, ``id``, ``key`` (the governance file's keys: organisation ``code``; seat
    ``board`` and ``label``; person ``name``; appointment ``board``, ``label``, ``name``,
    ``from``), ``change`` (created, changed, deleted), ``time``, ``user``, ``reason``,
    ``changed_fields`` and ``changes`` (each field's ``from`` and ``to``; organisations by code).
    ``system``: a root or its code, as in ``recent_changes``.
    """
    root = _system_root(system)
    if system is not None and root is None:
        return []
    return [change.as_dict() for change in _read(_histories(root), since=when, limit=limit, newest_first=False)]
