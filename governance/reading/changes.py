"""The Atom feeds' entries (``governance.pages.feeds``): the newest events of a system, or of England.

The events are ``happened``'s, the timeline's own (every kind of ``events.KINDS``), newest first up
to ``until`` (default today): the feeds and the timeline find them once, and tell them once
(``events``). Each event is one entry, its title the kind's headline, its summary the timeline's
sentence, its category the kind; a departure after which nobody held the seat is a second entry,
"Seat vacant" (category ``vacant``), with the same sentence. England's feed is every system's,
an event two systems tell alike (a practice changing PCN between them, a succession) once.

Each entry's ``key`` (its Atom id) is stable: an appointment's is its row's
(``appointment-<pk>-start``, ``-end``), a vacancy's its seat's and day's, a seat's its row's
(``seat-<pk>-created``), an organisation's opening and closing its row's
(``organisation-<pk>-opened``, ``-closed``); the other kinds name their organisation, day and
system. A fixed number of queries whatever the number of changes: ``happened``'s (England's
structure, successions and seats added, once per data version) and one for the appointments' rows.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from governance.models import Appointment
from governance.reading import events as said
from governance.reading import happened
from governance.reading.happened import Event

FEED_LIMIT = 50


@dataclass(frozen=True)
class Change:
    """One feed entry: what, on which day, about which organisation (the page to link to)."""

    kind: str  # its category: the event's kind, or ``vacant``
    date: datetime.date
    title: str
    description: str
    organisation: str  # the code of the organisation or body whose page shows it
    key: str  # unique and stable: the feed entry's id


def recent_changes(
    system: int | None = None,
    until: datetime.date | None = None,
    limit: int = FEED_LIMIT,
    *,
    version: str | None = None,
) -> list[Change]:
    """The ``limit`` newest entries by ``until`` of the system (ICB pk) ``system`` (None: every system).

    An event belongs to the system its organisation (or body) was in on the day (``happened``), in
    England's structure (``as_of``, remembered per data ``version``). Newest first; on one day in
    the order of ``events.KINDS``.
    """
    until = until or timezone.localdate()
    events = happened.newest(system, until, limit, version=version)
    rows = _appointment_rows(events)
    entries = [entry for event in events for entry in _entries(event, rows)]
    return entries[:limit]


def _appointment_rows(events: list[Event]) -> dict[tuple, int]:
    """The pk of each appointment the events are of, by (seat, person, start): one query, none without any."""
    seats = {event.appointment[0] for event in events if event.appointment}
    if not seats:
        return {}
    rows = Appointment.objects.filter(seat_id__in=seats).values_list("seat_id", "person_id", "start", "pk")
    return {(seat, person, start): pk for seat, person, start, pk in rows}


def _entries(event: Event, rows: dict[tuple, int]) -> list[Change]:
    """An event's entry, and a second for a seat it left vacant; ids as ``key`` (module docstring) says."""
    organisation = event.organisation
    words = _words(event)
    key = event.key
    if event.appointment:
        ending = "end" if event.kind == "appointment_ended" else "start"
        row = rows.get(event.appointment)  # None only if it was deleted since the structure was read
        key = f"appointment-{row}-{ending}" if row is not None else key
    told = [Change(event.kind, event.day, said.headline(event.kind, **words), event.text, organisation["code"], key)]
    if event.fields.get("vacant"):
        vacancy = f"seat-{event.fields['seat']['id']}-vacant-{event.day.isoformat()}"
        title = said.headline(said.VACANT, **words)
        told.append(Change(said.VACANT, event.day, title, event.text, organisation["code"], vacancy))
    return told


def _words(event: Event) -> dict[str, str]:
    """What an event's headline (``events.HEADLINES``) names: its organisation, system, seat, person…"""
    organisation = event.organisation
    words = {
        "name": organisation["name"],
        "noun": said.noun(organisation["kind"]),
        "body": organisation["name"],
        "system": event.system["name"],
    }
    for field in ("from", "to", "predecessor", "successor", "seat", "person"):
        named = event.fields.get(field)
        if named:
            words[field] = named.get("label") or named["name"]
    if "type" in event.fields:
        words["type"] = said.succession_type(event.fields["type"])
    return words
