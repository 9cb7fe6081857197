"""England ×N for the scale test: every system copied, with years of monthly PCN moves.

``multiply`` copies every organisation (codes suffixed), its dated links and successions,
seats and holders; ``pcn_moves`` then writes years of monthly changes into the past of the
whole database, so that paths are timed on a database as big and as history-rich as a
tenfold England that had kept ten years of records. Everything goes in with
``bulk_create``/``bulk_update`` under the tree lock and one rebuild, as the importer writes.

Needs Django set up (``bench/stages.py`` does it, as does pytest).
"""

import datetime
import random
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from bench import sampling
from governance.domain import tree, tree_check
from governance.ingest.ods.write import refresh_planner_statistics
from governance.models import Appointment, Kind, Link, Organisation, Relation, Seat, Succession

BATCH = 2000
SOURCE = "bench: synthetic monthly PCN moves"
# Organisation's own references to organisations: a copy points at the copies.
ORGANISATION_REFERENCES = ("parent_id", "sub_icb_id", "top_board_id")


@dataclass(frozen=True)
class Membership:
    """A practice's PCN membership in force today, which the moves split into a past.

    ``others``: the other PCNs of its place, where it may have been before.
    ``link_id``: its row in ``Link`` (None: the database holds no link for it yet, and the
    whole chain is written).
    """

    child_id: int
    parent_id: int
    start: datetime.date | None
    end: datetime.date | None
    others: tuple[int, ...]
    link_id: int | None = None


@dataclass(frozen=True)
class Segment:
    """One stretch of a practice's chain of memberships: in PCN ``parent_id`` from ``start`` to ``end``."""

    parent_id: int
    start: datetime.date | None
    end: datetime.date | None


def month_starts(until: datetime.date, months: int) -> list[datetime.date]:
    """The first days of the ``months`` months up to and including ``until``'s, oldest first."""
    index = until.year * 12 + until.month - 1
    return [datetime.date(i // 12, i % 12 + 1, 1) for i in range(index - months + 1, index + 1)]


def pcn_moves(
    memberships: list[Membership], months: list[datetime.date], per_month: int, rng: random.Random
) -> dict[Membership, list[Segment]]:
    """On the first day of each month, ``per_month`` practices (fewer if fewer can) change PCN.

    The moves are written into the past: a practice keeps today's PCN from its last move on,
    and before each move it was in another PCN of its place (one of its ``others``). Today's
    structure (and so the tree) stays as it is. A practice can move in a month if its
    membership began before that month and it has somewhere else to have been. Returns, for
    each practice that moved, its chain of memberships, oldest first and each in another PCN
    than the next; the last is today's, from the last move.
    """
    # Sorted by start (since-before-records first), those that can move in a month are a prefix.
    movable = sorted(
        (m for m in memberships if m.others), key=lambda m: (m.start is not None, m.start or datetime.date.min)
    )
    starts = [m.start for m in movable]
    undated = sum(start is None for start in starts)
    moves: dict[Membership, list[datetime.date]] = defaultdict(list)
    for month in months:
        can = bisect_left(starts, month, lo=undated)
        for i in rng.sample(range(can), min(per_month, can)):
            moves[movable[i]].append(month)
    chains = {}
    for membership, days in moves.items():
        parent, end = membership.parent_id, membership.end
        chain = []
        for day in reversed(days):  # months come oldest first: walk back from today's membership
            chain.append(Segment(parent, day, end))
            parent = rng.choice([p for p in (*membership.others, membership.parent_id) if p != parent])
            end = day - datetime.timedelta(days=1)
        chain.append(Segment(parent, membership.start, end))
        chains[membership] = chain[::-1]
    return chains


def current_memberships(today: datetime.date, since: datetime.date = sampling.SINCE) -> list[Membership]:
    """Every open practice in a PCN today (by the tree), with its link if the links agree.

    Only PCNs open, and linked to their place, on every day from ``since`` to ``today`` take part, as today's PCN and as
    the ``others``: so no move puts a practice, on a day a path can be asked for, in a PCN
    that was not open (where it would be in no PCN, and without a link to its sub-ICB
    location, in no system).
    """
    # A PCN first seen in a snapshot has no date of opening but a link to its place only from the
    # snapshot's day: it too must be linked all along (or, kept by the tree alone, not linked at all),
    # or a practice moved into it before that day has no system.
    place_links = Link.objects.filter(relation=Relation.PCN_SUB_ICB)
    linked_all_along = set(
        place_links.filter(
            Q(start__isnull=True) | Q(start__lte=since), Q(end__isnull=True) | Q(end__gte=today)
        ).values_list("child_id", flat=True)
    )
    linked_some_days = set(place_links.values_list("child_id", flat=True)) - linked_all_along
    steady = defaultdict(list)  # place → its PCNs open and linked to it all along
    for pcn, place, opened, closed in Organisation.objects.filter(kind=Kind.PCN).values_list(
        "pk", "parent_id", "opened", "closed"
    ):
        if (opened is None or opened <= since) and (closed is None or closed >= today) and pcn not in linked_some_days:
            steady[place].append(pcn)
    links = {
        child: (pk, parent, start, end)
        for pk, child, parent, start, end in Link.objects.current_on(today)
        .filter(relation=Relation.PCN_MEMBER)
        .values_list("pk", "child_id", "parent_id", "start", "end")
    }
    memberships = []
    for practice, pcn, place in Organisation.objects.filter(
        kind=Kind.PRACTICE, closed__isnull=True, parent__kind=Kind.PCN
    ).values_list("pk", "parent_id", "parent__parent_id"):
        if pcn not in steady[place]:
            continue
        others = tuple(p for p in steady[place] if p != pcn)
        link_id, linked, start, end = links.get(practice, (None, pcn, None, None))
        if linked == pcn:  # a link that disagrees with the tree is a change not yet applied: left alone
            memberships.append(Membership(practice, pcn, start, end, others, link_id))
    return memberships


def write_moves(chains: dict[Membership, list[Segment]]) -> int:
    """Write the chains: today's link starts at the last move, the earlier ones are new rows."""
    restarted, new = defaultdict(list), []
    for membership, chain in chains.items():
        *earlier, today = chain
        if membership.link_id is None:
            earlier.append(today)
        else:
            restarted[today.start].append(membership.link_id)
        new += [
            Link(
                child_id=membership.child_id,
                parent_id=segment.parent_id,
                relation=Relation.PCN_MEMBER,
                start=segment.start,
                end=segment.end,
                source=SOURCE,
            )
            for segment in earlier
        ]
    # Restarted first: the earliest new row takes the start the link had (a unique pair with it).
    # One UPDATE per month (the moves fall on a few days), rather than a CASE per row.
    for start, ids in restarted.items():
        for i in range(0, len(ids), BATCH):
            Link.objects.filter(pk__in=ids[i : i + BATCH]).update(start=start)
    Link.objects.bulk_create(new, batch_size=BATCH)
    return len(new)


def _copy_organisations(originals: list[dict], suffix: str, new_tree: dict[int, int], first_pk: int) -> dict[int, int]:
    """The copies of ``originals`` (codes + ``suffix``, trees renumbered, pks from ``first_pk``).

    Giving the pks here resolves every reference between the copies before they are written:
    one ``bulk_create``, no update. Returns the copy's pk by the original's.
    """
    copy_of = {o["id"]: first_pk + i for i, o in enumerate(originals)}
    now = timezone.now()
    Organisation.objects.bulk_create(
        (
            Organisation(
                **{
                    **o,
                    "id": copy_of[o["id"]],
                    "code": o["code"] + suffix,
                    "tree_id": new_tree[o["tree_id"]],
                    "updated_at": now,
                    **{field: o[field] and copy_of[o[field]] for field in ORGANISATION_REFERENCES},
                }
            )
            for o in originals
        ),
        batch_size=BATCH,
    )
    return copy_of


def multiply(copies: int, *, years: int = 10, monthly_moves: int = 20, seed: int = 2026) -> dict:
    """Copy every system ``copies - 1`` times, then add ``years`` of monthly PCN moves.

    ``monthly_moves`` practices per copy of England change PCN each month (England's own
    rate, from the ePCN file's ended memberships, is a few tens a month).
    """
    originals = list(Organisation.objects.order_by("tree_id", "lft").values())
    links = list(Link.objects.values())
    successions = list(Succession.objects.values())
    seats = list(Seat.objects.values())
    appointments = list(Appointment.objects.values())
    next_tree = max(o["tree_id"] for o in originals) + 1
    next_pk = max(o["id"] for o in originals) + 1
    roots = [o for o in originals if o["parent_id"] is None]
    today = timezone.localdate()
    with tree.structural_write():
        for copy in range(1, copies):
            new_tree = {root["tree_id"]: next_tree + i for i, root in enumerate(roots)}
            next_tree += len(roots)
            # Codes are letters, digits and hyphens.
            copy_of = _copy_organisations(originals, f"-copy{copy}", new_tree, next_pk)
            next_pk += len(originals)
            Link.objects.bulk_create(
                (
                    Link(
                        **{
                            **link,
                            "id": None,
                            "child_id": copy_of[link["child_id"]],
                            "parent_id": copy_of[link["parent_id"]],
                        }
                    )
                    for link in links
                ),
                batch_size=BATCH,
            )
            Succession.objects.bulk_create(
                Succession(
                    **{
                        **s,
                        "id": None,
                        "predecessor_id": copy_of[s["predecessor_id"]],
                        "successor_id": copy_of[s["successor_id"]],
                    }
                )
                for s in successions
            )
            seat_clones = [
                Seat(
                    **{
                        **s,
                        "id": None,
                        "body_id": copy_of[s["body_id"]],
                        "represents_id": s["represents_id"] and copy_of[s["represents_id"]],
                    }
                )
                for s in seats
            ]
            Seat.objects.bulk_create(seat_clones, batch_size=BATCH)
            seat_pk = {s["id"]: clone.pk for s, clone in zip(seats, seat_clones, strict=True)}
            Appointment.objects.bulk_create(
                (Appointment(**{**a, "id": None, "seat_id": seat_pk[a["seat_id"]]}) for a in appointments),
                batch_size=BATCH,
            )
        with connection.cursor() as cursor:  # the pks were given: the sequence moves past them
            for statement in connection.ops.sequence_reset_sql(no_style(), [Organisation]):
                cursor.execute(statement)
        months = month_starts(today, 12 * years)
        chains = pcn_moves(current_memberships(today), months, monthly_moves * copies, random.Random(seed))
        history_links = write_moves(chains)
        rebuilt = tree_check.rebuild()
        refresh_planner_statistics()  # as the importer does after a bulk write
    return {
        "copies": copies,
        "systems": Organisation.objects.filter(parent__isnull=True).count(),
        "practices": Organisation.objects.filter(kind=Kind.PRACTICE, closed__isnull=True).count(),
        "links": Link.objects.count(),
        "months": len(months),
        "moves": sum(len(chain) - 1 for chain in chains.values()),
        "history_links": history_links,
        "rebuilt_rows": rebuilt,
        "tree_ok": tree_check.diagnose().ok,
    }
