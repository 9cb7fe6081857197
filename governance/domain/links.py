"""Dated links between units: the one rule they keep, which one makes a unit's parent on a day,
and bringing today's tree into line with them.

A unit has at most one link of a relation on any one day (``check_links``): the importer
checks what it is about to write, and the admin through ``Link.clean``. The link that makes
a unit's parent on a day is the first, in ``PARENT_RELATIONS`` order, in force that day whose
parent is open that day (``parent_link_on``): a practice sits in its PCN while that PCN is
open, else in its sub-ICB location. Everything that says where a unit sits asks it: pages on
the day a unit is seen (``placing_link``: a closed one on its last day), today's tree
(``tree_parent``: the importer and ``due_moves``), England's structure of any date
(``domain.england``, which ``due_moves`` reads too).

The MPTT tree is the structure of today. A dated change that falls due later (a practice
joining another PCN on 1 April) is applied on its day by ``apply_due_changes``: run daily by
``python manage.py apply_due_changes`` and by every import. It moves only what differs, so a
second run the same day changes nothing.
"""

import datetime
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from governance.domain import rules, tree
from governance.domain.periods import Period
from governance.models import PARENT_RELATIONS, RELATION_KINDS, Link, Organisation


@dataclass(frozen=True, slots=True)
class Span:
    """One link as the rules see it: parent by key (pk or code), dates inclusive, None open-ended; how exact
    each end is and the file it was read from (``Link``'s fields), where the reader needs them."""

    child: object
    relation: str
    parent: object
    start: datetime.date | None
    end: datetime.date | None
    start_exact: bool = True
    end_exact: bool = True
    source: str = ""

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    def holds_on(self, date: datetime.date) -> bool:
        return self.period.holds_on(date)


def overlaps(spans: Iterable[Span]) -> list[tuple[Span, Span]]:
    """Pairs of spans of one child and relation that share a day, in order of start."""
    by_key: dict[tuple, list[Span]] = defaultdict(list)
    for span in spans:
        by_key[(span.child, span.relation)].append(span)
    found = []
    for group in by_key.values():
        group.sort(key=lambda s: s.period.sort_key)
        for earlier, later in itertools.pairwise(group):
            if earlier.period.overlaps(later.period):
                found.append((earlier, later))
    return found


def _days(span: Span) -> str:
    return f"{span.start or 'the start of the record'} to {span.end or 'now'}"


def check_links(spans: Iterable[Span]) -> None:
    """Refuse links of one child and relation that overlap: a unit has one parent of a kind on any day."""
    clashes = overlaps(spans)
    if clashes:
        first, second = clashes[0]
        more = f" (and {len(clashes) - 1} more)" if len(clashes) > 1 else ""
        raise rules.RuleError(
            f"{first.child} would have two links '{first.relation}' on the same days: to {first.parent} "
            f"({_days(first)}) and to {second.parent} ({_days(second)}){more}. End one before the other starts."
        )


def check_link(link: Link) -> None:
    """The rules for one link as saved by hand (admin, API): kinds that fit, no overlap with the child's others."""
    child_kind, parent_kind = RELATION_KINDS[link.relation]
    if link.child.kind != child_kind or link.parent.kind != parent_kind:
        raise rules.RuleError(
            f"A link '{link.get_relation_display()}' joins a {child_kind} to a {parent_kind}, "
            f"not a {link.child.kind} to a {link.parent.kind}."
        )
    others = Link.objects.filter(child_id=link.child_id, relation=link.relation).exclude(pk=link.pk)
    spans = [Span(link.child.code, o.relation, o.parent_id, o.start, o.end) for o in others]
    check_links([*spans, Span(link.child.code, link.relation, link.parent.code, link.start, link.end)])


def parent_link_on(
    kind: str, spans: Sequence[Span], date: datetime.date, is_open: Callable[[object, datetime.date], bool]
) -> Span | None:
    """The link that makes a unit of ``kind`` a child of its parent on ``date``, or None.

    ``spans`` are the unit's links; ``is_open(parent, day)`` says whether a parent is open on a day.
    """
    for relation in PARENT_RELATIONS.get(kind, ()):
        for span in spans:
            if span.relation == relation and span.holds_on(date) and is_open(span.parent, date):
                return span
    return None


def placing_link(
    kind: str, spans: Sequence[Span], period: Period, date: datetime.date, is_open: Callable
) -> Span | None:
    """The link that places a unit of ``kind``, open for ``period``, when it is shown for ``date``: its
    ``parent_link_on`` the day it is seen (``period.clamp``: ``date`` while open, its last day once
    closed, its first before it opened)."""
    return parent_link_on(kind, spans, period.clamp(date), is_open)


def tree_parent(kind: str, spans: Sequence[Span], period: Period, today: datetime.date, is_open: Callable) -> object:
    """The parent a unit of ``kind`` with links ``spans``, open for ``period``, has in today's tree, or None.

    The one rule of where a unit sits today, for the importer, ``due_moves`` and England's structure
    (``domain.england``) alike: the parent of its ``placing_link`` (a closed unit: of its last day, as
    pages show it); where no parent open that day is linked, the link in force that day, open or
    not; where no link holds that day (its own dates disagree with its links), the latest link
    begun before it. None only for a unit without links.
    """
    if not spans:
        return None
    day = period.clamp(today)
    link = placing_link(kind, spans, period, today, is_open) or parent_link_on(kind, spans, day, lambda *_: True)
    if link is not None:
        return link.parent
    ordered = sorted(spans, key=lambda span: span.period.sort_key)
    before = [span for span in ordered if span.start is None or span.start <= day]
    return (before[-1] if before else ordered[0]).parent


def due_moves(today: datetime.date) -> list[tuple[Organisation, Organisation]]:
    """(unit, parent today) for every unit the import keeps whose tree parent is not its link parent today,
    by code: England's structure (``domain.england``, its units and links, without seats) says where each sits."""
    from governance.domain.england import Structure  # here, not at the top: it builds on this module's rule

    structure = Structure.load(governance=False)
    due = {}
    for pk in structure.spans:
        parent = structure.tree_parent_today(pk, today)
        if parent is not None and parent != structure.units[pk].tree_parent:
            due[pk] = parent
    if not due:
        return []
    rows = Organisation.objects.only(
        "pk", "code", "kind", "parent_id", "opened", "closed", "source", "tree_id", "lft", "rght"
    ).in_bulk({*due, *due.values()})
    return sorted(((rows[pk], rows[parent]) for pk, parent in due.items()), key=lambda move: move[0].code)


def apply_due_changes(today: datetime.date | None = None) -> list[tuple[str, str | None, str]]:
    """Move every unit whose link parent today is not its tree parent; return (code, from, to) per move.

    Idempotent: a second run the same day finds nothing to move. Runs under the tree lock.
    """
    today = today or timezone.localdate()
    moved = []
    with tree.structural_write():
        for org, new_parent in due_moves(today):
            old = org.parent.code if org.parent_id else None
            tree.move_organisation(org, new_parent, following_links=True)
            moved.append((org.code, old, new_parent.code))
    return moved
