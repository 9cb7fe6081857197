"""Seats and who holds them: the one way to write them, for the admin, the API and the governance-file loader.

A write of a seat or its holders runs in one transaction, locks the seat's row (held
until commit, so writers of one seat's holders queue up; on SQLite the IMMEDIATE
transaction already holds the database's write lock), re-reads the holders stored for
it there and checks ``governance.domain.rules`` against them, so that two writers at once
cannot together break a rule that each alone respects. A refusal is a ``RuleError``,
keyed by the field at fault when there is one (the API answers 400 with it, the admin
shows it on the form, the loader names the file's place).

- The API writes through ``create_appointment``, ``update_appointment``,
  ``end_appointment``, ``create_seat`` and ``update_seat``.
- The admin saves through its forms, so it takes the same steps one by one:
  ``lock_seat``, then its save, then ``check_stored_holders`` (a refusal rolls the
  admin's transaction back); its forms call ``check_stored_holders`` first for a
  friendly error.
- The loader checks a whole system before writing any of it: ``lock_seats`` locks and
  reads all its seats and their appointments at once, ``check_holders`` checks each
  seat's holders, then it writes only what differs, its new people and new holders in
  bulk (``add_people``, ``add_appointments``: a seat may list thousands).

Organisations (the tree) are not written here but by ``governance.domain.tree``.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from governance.domain import history, rules
from governance.models import Appointment, Organisation, Person, Seat

# One holding of a seat: (person, first day, last day or None). The person is a Person,
# told apart from namesakes by id; the loader, whose people may not exist yet, gives names.
Holder = tuple[Person | str, datetime.date, datetime.date | None]


# --- locking and reading the stored holders -------------------------------------------------------


def lock_seat(seat: Seat) -> Seat:
    """The seat's row, re-read and held until the transaction ends: writers of one seat's holders queue up.

    Only the seat's row: its body's stays free for editors of the body (who take the tree
    lock, then the body's row, then its seats').
    """
    return Seat.objects.select_for_update(of=("self",)).select_related("body").get(pk=seat.pk)


def lock_seats(seats: QuerySet[Seat]) -> tuple[list[Seat], dict[int, list[Appointment]]]:
    """Many seats at once (the loader's whole system): their rows locked until the transaction ends,
    with their stored appointments by seat id (in order of start), in two queries."""
    locked = list(seats.select_for_update(of=("self",)).select_related("body"))
    appointments: dict[int, list[Appointment]] = defaultdict(list)
    stored = Appointment.objects.filter(seat__in=[seat.pk for seat in locked]).select_related("person")
    for appointment in stored.order_by("seat_id", "start", "pk"):
        appointments[appointment.seat_id].append(appointment)
    return locked, appointments


def stored_holders(seat: Seat, *, exclude_pk: int | None = None) -> list[Holder]:
    """The seat's appointments as stored (but ``exclude_pk``, one being rewritten), as holders."""
    appointments = Appointment.objects.filter(seat=seat).select_related("person").exclude(pk=exclude_pk)
    return [(a.person, a.start, a.end) for a in appointments]


# --- checking holders -----------------------------------------------------------------------------


def check_holders(max_holders: int, staying: Iterable[Holder], adding: Iterable[Holder] = ()) -> None:
    """Refuse unless the holders that stay (as stored, or as a form lists them), with those a write adds, fit the seat.

    No one's appointment ends before it starts, no one holds the seat twice at once, and
    never more holders at once than ``max_holders`` (``rules.check_appointments``).
    """
    rules.check_appointments(max_holders, [*staying, *adding])


def check_stored_holders(
    seat: Seat,
    *,
    max_holders: int | None = None,
    holders_recorded: bool | None = None,
    adding: Iterable[Holder] = (),
    exclude_pk: int | None = None,
) -> None:
    """``check_holders`` on what the database holds for ``seat`` now; and a seat whose holders are not
    recorded has none (``rules.check_holders_not_recorded``).

    ``max_holders``, ``holders_recorded``: new values (default: the seat's); ``adding``: holders
    the write adds; ``exclude_pk``: an appointment the write replaces (by one of ``adding``).
    """
    limit = seat.max_holders if max_holders is None else max_holders
    recorded = seat.holders_recorded if holders_recorded is None else holders_recorded
    staying, adding = stored_holders(seat, exclude_pk=exclude_pk), list(adding)
    rules.check_holders_not_recorded(recorded, len(staying) + len(adding))
    check_holders(limit, staying, adding)


# --- appointments ---------------------------------------------------------------------------------


def person_named(name: str) -> Person | None:
    """The one person called ``name`` (as the loader matches people), None if nobody is; refuses namesakes."""
    people = list(Person.objects.filter(name=name)[:2])
    if len(people) > 1:
        raise rules.RuleError({"person_name": [f"Several people are called {name!r}; give `person` (an id) instead."]})
    return people[0] if people else None


def create_appointment(
    *,
    seat: Seat,
    person: Person | None = None,
    person_name: str | None = None,
    start: datetime.date,
    end: datetime.date | None = None,
    term_ends: datetime.date | None = None,
    source: str = "",
) -> Appointment:
    """Appoint ``person`` (or the person called ``person_name``, created if new) to ``seat``."""
    with transaction.atomic():
        seat = lock_seat(seat)
        with rules.about("seat"):  # named here for the API; check_stored_holders below would say it unnamed
            rules.check_holders_not_recorded(seat.holders_recorded, 1)
        with rules.about("term_ends"):
            rules.check_term_ends(start, term_ends)
        if person is None:
            person = person_named(person_name) or Person.objects.create(name=person_name)
        check_stored_holders(seat, adding=[(person, start, end)])
        return Appointment.objects.create(
            seat=seat, person=person, start=start, end=end, term_ends=term_ends, source=source
        )


def add_people(names: Iterable[str]) -> dict[str, Person]:
    """A new person for each of ``names`` (by name), written in bulk with their history rows.

    For the loader, which has matched its names against the stored people first. Bulk writes
    send no signals: the caller bumps the data version.
    """
    people = Person.objects.bulk_create([Person(name=name) for name in dict.fromkeys(names)])
    history.copy_to_history(Person, [person.pk for person in people], history_type="+")
    return {person.name: person for person in people}


def add_appointments(appointments: list[Appointment]) -> None:
    """Write new ``appointments`` in bulk, with their history rows, for the loader.

    Their seats must be locked and their holders checked in this transaction (``lock_seats``,
    ``check_holders``) with these added. Bulk writes send no signals: the caller bumps the data
    version.
    """
    Appointment.objects.bulk_create(appointments, batch_size=500)
    history.copy_to_history(Appointment, [appointment.pk for appointment in appointments], history_type="+")


def update_appointment(appointment: Appointment, **changes) -> Appointment:
    """Change ``start``, ``end``, ``term_ends`` or ``source``; the seat's holders are checked again with the change."""
    with transaction.atomic():
        seat = lock_seat(appointment.seat)
        current = Appointment.objects.select_related("person", "seat__body").get(pk=appointment.pk)
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, changes[name])
        if changed:
            with rules.about("term_ends"):
                rules.check_term_ends(current.start, current.term_ends)
            check_stored_holders(seat, adding=[(current.person, current.start, current.end)], exclude_pk=current.pk)
            current.save(update_fields=[*changed, "updated_at"])
        return current


def end_appointment(appointment: Appointment, date: datetime.date) -> Appointment:
    """Make ``date`` the last day of ``appointment``. Ending it again on the same day changes nothing."""
    if appointment.end is not None and appointment.end < date:
        raise rules.RuleError({"date": [f"This appointment already ended on {appointment.end}."]})
    if date < appointment.start:
        raise rules.RuleError({"date": [f"{date} is before the appointment starts ({appointment.start})."]})
    return update_appointment(appointment, end=date)


# --- seats ----------------------------------------------------------------------------------------


def _check_label(body: Organisation, label: str, exclude_pk: int | None = None) -> None:
    if Seat.objects.filter(body=body, label=label).exclude(pk=exclude_pk).exists():
        raise rules.RuleError({"label": [f"{body.code} already has a seat labelled {label!r}."]})


def _check_represents_or_sector(represents: Organisation | None, sector: str) -> None:
    if represents is not None and sector:
        raise rules.RuleError({"sector": ["A seat represents one organisation or a whole sector, not both."]})


def create_seat(*, body: Organisation, label: str, **fields) -> Seat:
    """A new seat on ``body``: a board, committee or ICP; ``represents`` only inside its system."""
    represents, sector = fields.get("represents"), fields.get("sector", "")
    with rules.about("portfolio"):
        rules.check_portfolio(fields.get("role", ""), fields.get("portfolio", ""))
    with transaction.atomic():
        with rules.about("body"):
            rules.check_seat_body(body)
        with rules.about("represents"):
            rules.check_same_system(body, represents)
        _check_represents_or_sector(represents, sector)
        _check_label(body, label)
        try:
            with transaction.atomic():
                return Seat.objects.create(body=body, label=label, **fields)
        except IntegrityError as error:  # the same label, added by someone else since the check
            raise rules.RuleError({"label": [f"{body.code} already has a seat labelled {label!r}."]}) from error


def update_seat(seat: Seat, **changes) -> Seat:
    """Change a seat's fields (never its body); its holders are checked against a new ``max_holders``."""
    with transaction.atomic():
        current = lock_seat(seat)
        represents = changes.get("represents", current.represents)
        with rules.about("represents"):
            rules.check_same_system(current.body, represents)
        _check_represents_or_sector(represents, changes.get("sector", current.sector))
        if "label" in changes:
            _check_label(current.body, changes["label"], exclude_pk=current.pk)
        if "max_holders" in changes:
            with rules.about("max_holders"):
                check_stored_holders(current, max_holders=changes["max_holders"])
        with rules.about("portfolio"):
            rules.check_portfolio(changes.get("role", current.role), changes.get("portfolio", current.portfolio))
        if "holders_recorded" in changes:
            with rules.about("holders_recorded"):
                check_stored_holders(current, holders_recorded=changes["holders_recorded"])
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, changes[name])
        if changed:
            current.save(update_fields=[*changed, "updated_at"])
        return current
