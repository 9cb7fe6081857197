"""Rules that span rows, shared by every writer: tree service, loader, admin and API.

Each check raises ``RuleError`` (a Django ``ValidationError``, so admin forms show
it as a form error) with a sentence a person can act on.

Placement. ``PARENT_KINDS`` says which kinds may sit under which: the order ICB → place →
PCN → practice, and where bodies and other organisations go. The tree service checks it
on every create, move and change of kind, so it holds whatever the entry point.

ODS-kept rows. An organisation with ``source="ods"`` is kept by the ODS import, which at
its next run puts back its place, code, kind, name, dates, postcode, region and sub-ICB
(``ODS_KEPT_FIELDS``) and recreates it if deleted. So edits to those, moves and deletes
are refused (``check_ods_kept``) rather than silently undone later. To keep such a row by
hand, take it over first: save it with its source set to governance (a governance file that
declares it does this too); the import then uses it as it is and reports it as kept.
"""

import datetime
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.core.exceptions import ValidationError

from governance.models import BODY_KINDS, COVERED_KINDS, UNIT_KINDS, Kind, Organisation, Source, code_problem


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


def check_code(code: str) -> None:
    """Refuse a code that breaks the code rule (``models.CODE_RULE``)."""
    problem = code_problem(code)
    if problem:
        raise RuleError(problem)


# Boards and committees govern any unit but a practice, or report to another body.
_GOVERNING = frozenset((UNIT_KINDS - {Kind.PRACTICE}) | BODY_KINDS)

# Which kinds of parent each kind may sit under; None is no parent (a system's root).
PARENT_KINDS: dict[str, frozenset] = {
    Kind.ICB: frozenset({None}),
    Kind.PLACE: frozenset({Kind.ICB}),
    Kind.PCN: frozenset({Kind.PLACE, Kind.ICB}),  # an ICB: a system not divided into places
    Kind.PRACTICE: frozenset({Kind.PCN, Kind.PLACE}),  # a place: a practice in no PCN
    Kind.ICP: frozenset({Kind.ICB}),
    Kind.LMC: frozenset({Kind.ICB, Kind.PLACE}),
    Kind.FEDERATION: frozenset({Kind.ICB, Kind.PLACE}),
    Kind.COLLABORATIVE: frozenset({Kind.ICB, Kind.PLACE}),
    Kind.TRUST: frozenset({Kind.ICB, Kind.PLACE, Kind.COLLABORATIVE}),
    Kind.LOCAL_AUTHORITY: frozenset({Kind.ICB, Kind.PLACE}),
    Kind.OTHER: frozenset({Kind.ICB, Kind.PLACE, Kind.PCN}),
    Kind.BOARD: _GOVERNING,
    Kind.COMMITTEE: _GOVERNING,
}


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeio" or kind in ("icb", "icp", "lmc") else f"a {kind}"


def _one_of(kinds: Iterable[str]) -> str:
    names = [_a(kind) for kind in sorted(kinds, key=list(Kind).index)]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def check_placement(kind: str, parent_kind: str | None) -> None:
    """Refuse a node of ``kind`` under a parent of ``parent_kind`` (None: a root), by ``PARENT_KINDS``."""
    if kind == Kind.ICB:
        if parent_kind is not None:
            raise RuleError("An ICB is the root of its system and cannot sit under another organisation.")
        return
    if parent_kind is None:
        raise RuleError(f"{_a(kind).capitalize()} needs a parent: only an ICB can be the root of a system.")
    allowed = PARENT_KINDS.get(kind, frozenset())
    if parent_kind in allowed:
        return
    if kind not in BODY_KINDS and parent_kind in BODY_KINDS:
        raise RuleError(
            f"{_a(kind).capitalize()} is a unit and cannot sit under {_a(parent_kind)}: "
            "bodies sit under units, not the reverse."
        )
    other = "another " if kind == parent_kind else _a(parent_kind)[: -len(parent_kind)]
    order = " (the order is ICB, place, PCN, practice)" if kind in (Kind.PLACE, Kind.PCN, Kind.PRACTICE) else ""
    raise RuleError(
        f"{_a(kind).capitalize()} cannot sit under {other}{parent_kind}: "
        f"{_a(kind)} sits only under {_one_of(allowed)}{order}."
    )


# What the ODS import writes on the rows it keeps (see the module docstring).
ODS_KEPT_FIELDS = frozenset({"code", "kind", "parent", "name", "opened", "closed", "postcode", "region", "sub_icb"})


def check_ods_kept(org: Organisation, changes: Iterable[str] = (), *, deleting: bool = False) -> None:
    """Refuse changing ``changes`` (field names) of, or deleting, ``org`` as stored if the ODS import keeps it.

    Taking a row over is a save of its source alone (the fields it keeps are not among them).
    """
    if org.pk is None or org.source != Source.ODS:
        return
    kept = sorted(ODS_KEPT_FIELDS.intersection(changes))
    if not (kept or deleting):
        return
    what = "deleted" if deleting else "moved" if kept == ["parent"] else f"changed ({', '.join(kept)})"
    raise RuleError(
        f"{org.code} is kept by the ODS import (source ods) and cannot be {what} here: the next import "
        "would undo it. Correct it in the ODS data, or first take it over: save it with source governance alone."
    )


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


def first_breaking_holder(
    max_holders: int, appointments: Sequence[tuple[str, datetime.date, datetime.date | None]]
) -> tuple[int, RuleError] | None:
    """The position of the first appointment whose arrival breaks ``check_holders``, with the error; None if none.

    Adding appointments only ever breaks more, so the shortest list that breaks is found
    by bisection: about log2(n) checks of O(n log n) each, not one check per prefix.
    """

    def error_of(count: int) -> RuleError | None:
        try:
            check_holders(max_holders, appointments[:count])
        except RuleError as error:
            return error
        return None

    if error_of(len(appointments)) is None:
        return None
    low, high = 1, len(appointments)  # the first `high` appointments break the rules
    while low < high:
        middle = (low + high) // 2
        if error_of(middle) is None:
            low = middle + 1
        else:
            high = middle
    return high - 1, error_of(high)


def check_term_ends(start: datetime.date, term_ends: datetime.date | None) -> None:
    """A term cannot be due to end before the appointment starts."""
    if term_ends is not None and start is not None and term_ends < start:
        raise RuleError(f"The term is due to end ({term_ends}) before the appointment starts ({start}).")


def check_portfolio(role: str, portfolio: str) -> None:
    """Only executive seats have a portfolio (finance, medical, nursing, other)."""
    if portfolio and role != "executive":
        raise RuleError(f"Only executive seats have a portfolio; this seat's role is {role}.")


def check_holders_not_recorded(holders_recorded: bool, appointments: int) -> None:
    """A seat whose holders are not recorded has no appointments: "we don't know" is not a list of holders.

    ``appointments``: how many the seat would have.
    """
    if not holders_recorded and appointments:
        raise RuleError(
            f"This seat's holders are not recorded, yet it would have {appointments} appointment"
            f"{'' if appointments == 1 else 's'}: record its holders, or remove the appointments."
        )


# Checks on model instances, for forms (admin, later the API). Forms run them before the
# write for a friendly error; the tree service runs its own checks again under the lock.


def check_children_stay_placed(code: str, kind: str, child: Organisation) -> None:
    """Refuse making ``code`` a ``kind`` that its ``child`` may not sit under."""
    try:
        check_placement(child.kind, kind)
    except RuleError as error:
        raise RuleError(f"{code} cannot become {_a(kind)}: {child.code} sits under it. {error}") from error


def check_organisation(
    org: Organisation,
    *,
    kind: str,
    parent: Organisation | None,
    changes: Iterable[str] = (),
) -> None:
    """Would ``org`` (saved or new) be valid as a ``kind`` under ``parent``, with ``changes`` (field names)?

    Placement rules, no cycle, a node that has a parent never becomes a root, a node
    with units under it never becomes a body, its children stay where they may sit, and
    a row the ODS import keeps is not changed.
    """
    if org.pk is not None and org.parent_id is not None and parent is None:
        raise RuleError(f"{org.code} cannot become a root: only an ICB can.")
    check_not_own_descendant(org, parent)
    check_placement(kind, parent.kind if parent else None)
    if org.pk is not None and kind != org.kind:
        children = list(org.get_children().only("code", "kind"))
        if kind in BODY_KINDS and any(child.kind not in BODY_KINDS for child in children):
            raise RuleError(f"{org.code} has units under it and cannot become a {kind}.")
        for child in children:
            check_children_stay_placed(org.code, kind, child)
    check_ods_kept(org, changes)


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


def check_coverage(lmc: Organisation, covered: Organisation) -> None:
    """An LMC covers places, PCNs and practices, of any system (an LMC's area follows counties, not ICBs)."""
    if lmc.kind != Kind.LMC:
        raise RuleError(f"Only an LMC covers places, PCNs or practices; {lmc.code} is a {lmc.kind}.")
    if covered.kind not in COVERED_KINDS:
        raise RuleError(f"An LMC covers places, PCNs or practices, not a {covered.kind} ({covered.code}).")
