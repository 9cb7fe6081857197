"""Rules that span rows, shared by every writer: tree service, loader, admin and API.

Each check raises ``RuleError`` (a Django ``ValidationError``, so admin forms show
it as a form error) with a sentence a person can act on.
"""

import datetime
from collections.abc import Iterable
from contextlib import contextmanager

from django.core.exceptions import ValidationError

from governance.models import BODY_KINDS, Kind, Organisation


class RuleError(ValidationError):
    """A write that would break a governance rule."""

    def __str__(self):
        return "; ".join(self.messages)


@contextmanager
def about(field: str):
    """Report a refusal raised in the block under ``field`` (the API's 400 names it)."""
    try:
        yield
    except RuleError as error:
        raise RuleError({field: error.messages}) from error


def check_placement(kind: str, parent_kind: str | None) -> None:
    """Refuse a node of ``kind`` under a parent of ``parent_kind`` (None: a root)."""
    if kind == Kind.ICB:
        if parent_kind is not None:
            raise RuleError("An ICB is the root of its system and cannot sit under another organisation.")
        return
    if parent_kind is None:
        raise RuleError(f"A {kind} needs a parent: only an ICB can be the root of a system.")
    if kind not in BODY_KINDS and parent_kind in BODY_KINDS:
        raise RuleError(
            f"A {kind} is a unit and cannot sit under a {parent_kind}: bodies sit under units, not the reverse."
        )
    if kind == Kind.PRACTICE and parent_kind == Kind.PRACTICE:
        raise RuleError("A practice cannot sit under another practice.")


def check_not_own_descendant(node: Organisation, new_parent: Organisation | None) -> None:
    """Refuse a move that would put ``node`` under itself or its own descendant (a cycle)."""
    if new_parent is None or node.pk is None:
        return
    if new_parent.pk == node.pk or (
        new_parent.tree_id == node.tree_id and node.lft < new_parent.lft and new_parent.rght < node.rght
    ):
        raise RuleError(f"Moving {node.code} under {new_parent.code} would make a cycle.")


def check_same_system(body: Organisation, represents: Organisation | None) -> None:
    """A seat may represent only an organisation of its own body's system."""
    if represents is not None and represents.tree_id != body.tree_id:
        raise RuleError(f"A seat on {body.code} cannot represent {represents.code}: it is in another system.")


def check_move_within_system(org: Organisation, new_parent: Organisation) -> None:
    """A move through the API stays within a system: a move to another would carry the seats
    on ``org``'s bodies away from the organisations they represent (``check_same_system``)."""
    if org.tree_id != new_parent.tree_id:
        raise RuleError(f"{new_parent.code} is in another system; moves stay within a system.")


def check_seat_body(body: Organisation) -> None:
    if body.kind not in BODY_KINDS:
        raise RuleError(f"{body.code} is a {body.kind}; seats belong on a board, committee or ICP.")


def most_concurrent(periods: Iterable[tuple[datetime.date, datetime.date | None]]) -> int:
    """The largest number of (start, end-inclusive) periods that overlap on any one day."""
    events = []
    for start, end in periods:
        events.append((start, 1))
        if end is not None and end < datetime.date.max:  # ending on the last date there is: never ends
            events.append((end + datetime.timedelta(days=1), -1))
    # Ends sort before starts on the same day: a holder leaving as another arrives is not an overlap.
    events.sort(key=lambda e: (e[0], e[1]))
    current = peak = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak


def check_holders(max_holders: int, appointments: Iterable[tuple[str, datetime.date, datetime.date | None]]) -> None:
    """Check a seat's appointments, given as (person name, start, end) tuples.

    No end before its start, no person holding the same seat twice at once, and
    never more holders at once than the seat takes.
    """
    appointments = list(appointments)
    for name, start, end in appointments:
        if end is not None and end < start:
            raise RuleError(f"{name}'s appointment ends ({end}) before it starts ({start}).")
    by_person: dict[str, list] = {}
    for name, start, end in appointments:
        by_person.setdefault(name, []).append((start, end))
    for name, periods in by_person.items():
        if most_concurrent(periods) > 1:
            raise RuleError(f"{name} has overlapping appointments to the same seat.")
    peak = most_concurrent((start, end) for _, start, end in appointments)
    if peak > max_holders:
        raise RuleError(f"{peak} people would hold this seat at once; it takes {max_holders}.")


# Checks on model instances, for forms (admin, later the API). Forms run them before the
# write for a friendly error; the tree service runs its own checks again under the lock.


def check_organisation(org: Organisation, *, kind: str, parent: Organisation | None) -> None:
    """Would ``org`` (saved or new) be valid as a ``kind`` under ``parent``?

    Placement rules, no cycle, a node that has a parent never becomes a root, and a node
    with units under it never becomes a body.
    """
    if org.pk is not None and org.parent_id is not None and parent is None:
        raise RuleError(f"{org.code} cannot become a root: only an ICB can.")
    check_placement(kind, parent.kind if parent else None)
    check_not_own_descendant(org, parent)
    becomes_body = org.pk is not None and kind in BODY_KINDS and kind != org.kind
    if becomes_body and org.get_children().exclude(kind__in=BODY_KINDS).exists():
        raise RuleError(f"{org.code} has units under it and cannot become a {kind}.")


def check_seat(body: Organisation, represents: Organisation | None) -> None:
    """A seat sits on a body and represents, if anything, an organisation of the body's system."""
    check_seat_body(body)
    check_same_system(body, represents)


def check_appointments(max_holders: int, appointments: Iterable[tuple[object, datetime.date, datetime.date | None]]):
    """``check_holders`` for (Person, start, end) tuples: people told apart by id, named in messages."""
    appointments = [a for a in appointments if a[1] is not None]
    names: dict[object, str] = {}
    taken: set[str] = set()
    for person, _, _ in appointments:
        key = getattr(person, "pk", person)
        if key not in names:
            name = str(person)
            # Two people may share a name; keep them apart so one is not taken to overlap the other.
            names[key] = name if name not in taken else f"{name} (#{key})"
            taken.add(names[key])
    check_holders(max_holders, ((names[getattr(p, "pk", p)], start, end) for p, start, end in appointments))
