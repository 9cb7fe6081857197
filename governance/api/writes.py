"""The API's writes: seats, appointments and moves, checked by the same rules as the admin and the loader.

Plain functions, free of HTTP: each runs in one transaction, re-reads what it
changes under a lock (the seat's row for holders; the tree lock for moves) and checks
``governance.domain.rules`` there, so two clients writing at once cannot together break a rule
that each alone respects. A refusal is a ``RuleError``, keyed by the field at fault when
there is one (the API answers 400 with it).
"""

import datetime
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from governance.domain import rules, tree
from governance.models import Appointment, Organisation, Person, Seat


@contextmanager
def field(name: str):
    """Report a rule's refusal under ``name``."""
    try:
        yield
    except rules.RuleError as error:
        raise rules.RuleError({name: error.messages}) from error


def _locked_seat(seat: Seat) -> Seat:
    """The seat's row, re-read and held until commit: writers of one seat's holders queue up.

    (On SQLite the IMMEDIATE transaction already holds the database's write lock.)
    """
    return Seat.objects.select_for_update().select_related("body").get(pk=seat.pk)


def _holders(seat: Seat, exclude_pk: int | None = None) -> list[tuple[Person, datetime.date, datetime.date | None]]:
    appointments = Appointment.objects.filter(seat=seat).select_related("person").exclude(pk=exclude_pk)
    return [(a.person, a.start, a.end) for a in appointments]


def person_named(name: str) -> Person | None:
    """The one person called ``name`` (as the loader matches people), None if nobody is; refuses namesakes."""
    people = list(Person.objects.filter(name=name)[:2])
    if len(people) > 1:
        raise rules.RuleError({"person_name": [f"Several people are called {name!r}; give `person` (an id) instead."]})
    return people[0] if people else None


# --- appointments ---------------------------------------------------------------------------------


def create_appointment(
    *,
    seat: Seat,
    person: Person | None = None,
    person_name: str | None = None,
    start: datetime.date,
    end: datetime.date | None = None,
    source: str = "",
) -> Appointment:
    """Appoint ``person`` (or the person called ``person_name``, created if new) to ``seat``."""
    with transaction.atomic():
        seat = _locked_seat(seat)
        if person is None:
            person = person_named(person_name) or Person.objects.create(name=person_name)
        rules.check_appointments(seat.max_holders, [*_holders(seat), (person, start, end)])
        return Appointment.objects.create(seat=seat, person=person, start=start, end=end, source=source)


def update_appointment(appointment: Appointment, **changes) -> Appointment:
    """Change ``start``, ``end`` or ``source``; the seat's holders are checked again with the change."""
    with transaction.atomic():
        seat = _locked_seat(appointment.seat)
        current = Appointment.objects.select_related("person", "seat__body").get(pk=appointment.pk)
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, changes[name])
        if changed:
            rules.check_appointments(
                seat.max_holders, [*_holders(seat, exclude_pk=current.pk), (current.person, current.start, current.end)]
            )
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
    with transaction.atomic():
        with field("body"):
            rules.check_seat_body(body)
        with field("represents"):
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
        current = _locked_seat(seat)
        represents = changes.get("represents", current.represents)
        with field("represents"):
            rules.check_same_system(current.body, represents)
        _check_represents_or_sector(represents, changes.get("sector", current.sector))
        if "label" in changes:
            _check_label(current.body, changes["label"], exclude_pk=current.pk)
        if "max_holders" in changes:
            with field("max_holders"):
                rules.check_appointments(changes["max_holders"], _holders(current))
        changed = [name for name, value in changes.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, changes[name])
        if changed:
            current.save(update_fields=[*changed, "updated_at"])
        return current


# --- structure ------------------------------------------------------------------------------------


def move(org: Organisation, parent: Organisation) -> Organisation:
    """Move ``org`` (and all under it) under ``parent``, through the tree service and its lock.

    Only within a system: a move to another system would carry its seats away from the
    organisations they represent (``rules.check_same_system``).
    """
    if org.tree_id != parent.tree_id:
        raise rules.RuleError({"parent": [f"{parent.code} is in another system; moves stay within a system."]})
    with field("parent"):
        return tree.move_organisation(org, parent)
