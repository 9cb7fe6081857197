"""What happened, said once: the kinds of change, the sentence of each, its dates in words.

One reader finds the changes (``happened``: the events of a system, or of England, over a period
or newest first); the timeline lists a period of them and the Atom feeds the newest few
(``changes``), and both tell them here. So the same happening reads the same on both: one
sentence with one date in words (``governance.domain.dates.in_words``: "7 December 2026"),
whether a feed reader or a system's timeline shows it. Whether a seat fell vacant is decided
here too (``vacant_on``), and which kinds there are (``KINDS``: the timeline's labels, the
feeds' Atom categories). Plain strings in, a sentence out: no query.
"""

import datetime
from collections.abc import Iterable

from governance.domain.dates import in_words
from governance.domain.periods import Period
from governance.models import KIND_NOUNS, SuccessionType, kind_count

# Every kind of event (``happened``) and its label, in the order they are told on one day: the
# system's own news first, a new seat before its first holder, a seat's old holder leaving before
# the new one starts. A feed entry's category is its kind (a seat fallen vacant adds ``vacant``).
KINDS = {
    "opened": "Opened",
    "succession": "Succession",
    "closed": "Closed",
    "joined": "Joined the system",
    "left": "Left the system",
    "moved": "Moved",
    "pcn_move": "Changed PCN",
    "pcn_joined": "Joined a PCN",
    "pcn_left": "Left a PCN",
    "seat_added": "Seat added",
    "appointment_ended": "Left a seat",
    "appointment_started": "Took a seat",
    "appointment_seen": "In post (seen)",
}
# A feed's second entry for a departure after which nobody held the seat (its category).
VACANT = "vacant"


def named(name: str, code: str) -> str:
    """An organisation as every sentence names it: "NHS Essex ICB (D7T5G)"."""
    return f"{name} ({code})"


def noun(kind: str) -> str:
    """One organisation of ``kind`` in running text: "practice", "PCN" (the vocabulary's noun)."""
    return KIND_NOUNS[kind][0] if kind in KIND_NOUNS else str(kind)


def carrying(counts: dict[str, int]) -> str:
    """What moved (opened, closed) with a unit, as the end of its sentence: ", with 2 PCNs and 9 practices"."""
    words = [kind_count(kind, counts[kind]) for kind in KIND_NOUNS if counts.get(kind)]
    if not words:
        return ""
    said = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
    return f", with {said}"


def vacant_on(day: datetime.date, holders_recorded: bool, holders: Iterable[tuple]) -> bool:
    """Whether a seat is vacant on ``day``: its holders are recorded and none of ``holders`` (start, end) holds it."""
    return holders_recorded and not any(Period(start, end).holds_on(day) for start, end in holders if start is not None)


# --- organisations ---------------------------------------------------------------------------------


def opened(org: str, day: datetime.date, *, parent: str | None = None, includes: str = "") -> str:
    """An organisation's first day: "New Surgery (P84003) opened in South PCN (U2) on 1 April 2026."."""
    where = f" in {parent}" if parent else ""
    return f"{org} opened{where} on {in_words(day)}{includes}."


def closed(org: str, last_day: datetime.date, *, parent: str | None = None, includes: str = "") -> str:
    """An organisation's last day: "Old Surgery (P84002) closed (in North PCN (U1)): its last day was …"."""
    where = f" (in {parent})" if parent else ""
    return f"{org} closed{where}: its last day was {in_words(last_day)}{includes}."


def joined(org: str, *, origin: str | None, path: str, includes: str = "") -> str:
    """A unit came into the system from another (or none)."""
    source = f" from {origin}" if origin else ""
    return f"{org} joined the system{source}{path}{includes}."


def left(org: str, *, destination: str | None, path: str, includes: str = "") -> str:
    """A unit went from the system to another (or none)."""
    target = f" for {destination}" if destination else ""
    return f"{org} left the system{target}{path}{includes}."


def moved_path(old: str, new: str) -> str:
    """How a unit that changed system moved, as the end of its sentence: ": it moved from … to …"."""
    return f": it moved from {old} to {new}"


def moved(org: str, old: str, new: str, *, across: tuple[str, str] | None = None) -> str:
    """A unit changed parent (a PCN to another place; a practice to another PCN, perhaps across systems)."""
    systems = f" (from {across[0]} to {across[1]})" if across else ""
    return f"{org} moved from {old} to {new}{systems}."


def pcn_joined(practice: str, pcn: str) -> str:
    """A practice joined a PCN from its sub-ICB location."""
    return f"{practice} joined {pcn}."


def pcn_left(practice: str, pcn: str, place: str) -> str:
    """A practice left its PCN for its sub-ICB location (its PCN closed, say)."""
    return f"{practice} left {pcn}; it sits in {place} directly."


def succession_type(type_: str) -> str:
    """A succession's type as a headline names it: "Merger", "Split", "Acquisition"."""
    return SuccessionType(type_).label if type_ in SuccessionType.values else str(type_)


def succession(old: str, new: str, day: datetime.date, type_: str, *, closed: bool) -> str:
    """ODS's succession of ``old`` by ``new`` on ``day`` ("… closed; merged into … on 1 April 2026.")."""
    closing = "closed; " if closed else ""
    if type_ == SuccessionType.MERGER:
        return f"{old} {closing}merged into {new} on {in_words(day)}."
    if type_ == SuccessionType.SPLIT:
        return f"{old} {closing}divided: part of it went to {new} on {in_words(day)}."
    return f"{new} took over part of {old} on {in_words(day)} ({type_})."


# --- seats -----------------------------------------------------------------------------------------


def took_seat(person: str, seat: str, body: str, first_day: datetime.date) -> str:
    """Someone's first day in a seat: "… took the seat “Chair” on … : their first day was 1 April 2026."."""
    return f"{person} took the seat “{seat}” on {body}: their first day was {in_words(first_day)}."


def in_post(person: str, seat: str, body: str, day: datetime.date, source: str = "") -> str:
    """A source shows someone in a seat on ``day``, not since when: never "appointed" on that day."""
    according = f", according to {source}" if source else ""
    return (
        f"{person} is in post in the seat “{seat}” on {body} on {in_words(day)}{according}"
        " (since when is not published)."
    )


def left_seat(person: str, seat: str, body: str, last_day: datetime.date, *, vacant: bool) -> str:
    """Someone's last day in a seat, and whether nobody held it the day after."""
    then = " The seat is vacant." if vacant else ""
    return f"{person} left the seat “{seat}” on {body}: their last day was {in_words(last_day)}.{then}"


def seat_added(seat: str, body: str, day: datetime.date) -> str:
    """A seat added to a body."""
    return f"The seat “{seat}” was added to {body} on {in_words(day)}."


# --- the feeds' headlines (an entry's title; its summary is the sentence above) ----------------------

HEADLINES = {
    "opened": "Opened: {name} ({noun})",
    "succession": "{type}: {predecessor} to {successor}",
    "closed": "Closed: {name} ({noun})",
    "joined": "Joined {system}: {name} ({noun})",
    "left": "Left {system}: {name} ({noun})",
    "moved": "Moved: {name} ({noun}) to {to}",
    "pcn_move": "Changed PCN: {name} to {to}",
    "pcn_joined": "Joined a PCN: {name} to {to}",
    "pcn_left": "Left a PCN: {name} from {from}",
    "seat_added": "New seat: {seat}, {body}",
    "appointment_ended": "{person} left: {seat}, {body}",
    "appointment_started": "{person} appointed: {seat}, {body}",
    "appointment_seen": "{person} in post: {seat}, {body}",
    VACANT: "Seat vacant: {seat}, {body}",
}


def headline(kind: str, **words: str) -> str:
    """A feed entry's title for a change of ``kind`` (HEADLINES), the words filled in."""
    return HEADLINES[kind].format(**words)
