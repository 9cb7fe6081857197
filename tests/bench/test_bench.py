"""The bench's own machinery (``bench/``), untimed: what it samples and the synthetic England it builds.

``make bench`` holds the figures; these hold what the figures are measured on: dated
requests that each name a day on which the practice was open, and an England ×N whose
copies carry their links and whose history has a practice in one PCN at a time.
"""

import datetime
import itertools
import random
from collections import Counter

import pytest

from bench import sampling, scale
from governance.domain import tree_check
from governance.domain.links import Span, overlaps
from governance.models import Appointment, Link, Organisation, Relation, Seat, Succession
from tests.builders import appoint, link, org, seat, succession

D = datetime.date
TODAY = D(2026, 12, 2)


def overlapping(rows) -> list:
    """Pairs of one child's links of one relation that share a day (the rule ``governance.domain.links`` keeps)."""
    return overlaps(Span(row.child_id, row.relation, row.parent_id, row.start, row.end) for row in rows)


# Sampling -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dated_samples_are_practices_open_on_some_day_since_july_2022():
    icb = org("QAA", "icb")
    pcn = org("U00001", "pcn", org("00A", "place", icb))
    org("P00001", "practice", pcn, opened=D(2010, 1, 1))
    org("P00002", "practice", pcn, opened=D(2024, 3, 1))
    org("P00003", "practice", pcn, opened=D(2010, 1, 1), closed=D(2023, 5, 31))
    org("P00004", "practice", pcn, opened=D(2010, 1, 1), closed=D(2022, 6, 30))  # gone before any ICB
    org("P00005", "practice", pcn, opened=D(2027, 1, 1))  # not open yet

    spans = sampling.practice_spans(10, seed=1, until=TODAY)

    assert sorted(spans) == [
        ("P00001", D(2022, 7, 1), TODAY),
        ("P00002", D(2024, 3, 1), TODAY),
        ("P00003", D(2022, 7, 1), D(2023, 5, 31)),
    ]
    assert sampling.practice_spans(10, seed=1, until=TODAY) == spans  # one seed, one sample


def test_the_spans_file_counts_days_from_1970_as_the_load_generator_reads_them():
    text = sampling.spans_file_text(
        [("P00001", D(2022, 7, 1), D(2026, 12, 2)), ("P00002-copy1", D(1970, 1, 2), D(1970, 1, 2))]
    )

    assert text == "P00001 19174 20789\nP00002-copy1 1 1\n"


def test_a_drawn_date_lies_in_its_span_and_can_be_either_end():
    rng = random.Random(3)
    drawn = {sampling.draw_date(rng, D(2024, 2, 27), D(2024, 3, 1)) for _ in range(200)}

    assert drawn == {D(2024, 2, 27), D(2024, 2, 28), D(2024, 2, 29), D(2024, 3, 1)}


# Monthly moves ---------------------------------------------------------------------------


def test_month_starts_are_the_months_up_to_this_one_oldest_first():
    assert scale.month_starts(D(2026, 2, 17), 3) == [D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)]
    ten_years = scale.month_starts(TODAY, 120)
    assert (len(ten_years), ten_years[0], ten_years[-1]) == (120, D(2017, 1, 1), D(2026, 12, 1))


def memberships_of_a_place(n: int, pcns=(1, 2, 3), start=None) -> list[scale.Membership]:
    """``n`` practices (pks 100…) spread over the PCNs (pks ``pcns``) of one place."""
    return [
        scale.Membership(100 + i, pcns[i % len(pcns)], start, None, tuple(p for p in pcns if p != pcns[i % len(pcns)]))
        for i in range(n)
    ]


def test_each_month_the_number_asked_move_and_every_chain_is_one_pcn_at_a_time():
    memberships = memberships_of_a_place(30)
    months = scale.month_starts(TODAY, 24)

    chains = scale.pcn_moves(memberships, months, per_month=4, rng=random.Random(7))

    moves = Counter(segment.start for chain in chains.values() for segment in chain[1:])
    assert moves == dict.fromkeys(months, 4)
    for membership, chain in chains.items():
        place = {membership.parent_id, *membership.others}
        assert chain[0].start == membership.start  # the past begins where the membership did
        assert (chain[-1].parent_id, chain[-1].end) == (membership.parent_id, None)  # today as it is
        for earlier, later in itertools.pairwise(chain):
            assert earlier.end == later.start - datetime.timedelta(days=1)  # no gap, no overlap
            assert earlier.parent_id != later.parent_id  # each move is a change of PCN
        assert {segment.parent_id for segment in chain} <= place


def test_a_practice_moves_only_after_its_membership_began_and_only_where_its_place_has_another_pcn():
    months = scale.month_starts(D(2024, 12, 1), 12)
    recent = memberships_of_a_place(5, start=D(2024, 7, 1))
    alone = [scale.Membership(200, 9, None, None, ())]  # the only PCN of its place

    chains = scale.pcn_moves(recent + alone, months, per_month=10, rng=random.Random(1))

    assert alone[0] not in chains
    moved_on = sorted({segment.start for chain in chains.values() for segment in chain[1:]})
    assert moved_on == scale.month_starts(D(2024, 12, 1), 5)  # August to December 2024
    assert all(chain[0].start == D(2024, 7, 1) for chain in chains.values())


@pytest.fixture
def place_of_three_pcns():
    icb = org("QAA", "icb")
    place = org("00A", "place", icb)
    pcns = [org(f"U0000{i}", "pcn", place) for i in (1, 2, 3)]
    practices = [org(f"P0000{i}", "practice", pcns[i % 3]) for i in range(6)]
    return {"icb": icb, "place": place, "pcns": pcns, "practices": practices}


@pytest.mark.django_db
def test_only_pcns_open_since_july_2022_take_part_in_the_moves(place_of_three_pcns):
    place, (first, second, third) = place_of_three_pcns["place"], place_of_three_pcns["pcns"]
    late = org("U00004", "pcn", place, opened=D(2024, 4, 1))  # a practice in it before April 2024 would be in none
    in_late = org("P00009", "practice", late)
    Organisation.objects.filter(pk=third.pk).update(opened=D(2022, 7, 1))  # open on the first day: takes part

    memberships = {m.child_id: m for m in scale.current_memberships(TODAY)}

    assert in_late.pk not in memberships
    assert all(set(m.others) <= {first.pk, second.pk, third.pk} for m in memberships.values())
    assert len(memberships) == 6


@pytest.mark.django_db
def test_a_pcn_linked_to_its_place_only_from_a_snapshot_takes_no_part_in_the_moves(place_of_three_pcns):
    place = place_of_three_pcns["place"]
    for pcn in place_of_three_pcns["pcns"]:
        link(pcn, place, Relation.PCN_SUB_ICB)
    seen_late = org("U00005", "pcn", place)  # no opening date: since when is not published
    link(seen_late, place, Relation.PCN_SUB_ICB, start=D(2026, 8, 1))  # run from its place only from then
    in_seen_late = org("P00010", "practice", seen_late)

    memberships = {m.child_id: m for m in scale.current_memberships(TODAY)}

    assert in_seen_late.pk not in memberships
    assert all(seen_late.pk not in m.others for m in memberships.values())
    assert len(memberships) == 6


@pytest.mark.django_db
def test_written_moves_keep_todays_structure_and_never_overlap(place_of_three_pcns):
    practices = place_of_three_pcns["practices"]
    # One practice has its link (since 2020); the others have none yet, as before an import with history.
    linked = link(practices[0], practices[0].parent, Relation.PCN_MEMBER, start=D(2020, 4, 1))
    memberships = scale.current_memberships(TODAY)
    assert {m.child_id: m.link_id for m in memberships}[practices[0].pk] == linked.pk

    chains = scale.pcn_moves(memberships, scale.month_starts(TODAY, 36), per_month=2, rng=random.Random(5))
    scale.write_moves(chains)

    links = list(Link.objects.filter(relation=Relation.PCN_MEMBER))
    assert overlapping(links) == []
    unmoved_link = practices[0].pk not in {m.child_id for m in chains}
    assert len(links) == sum(len(chain) for chain in chains.values()) + unmoved_link
    today = {link.child_id: link.parent_id for link in Link.objects.current_on(TODAY)}
    assert all(today[m.child_id] == m.parent_id for m in chains)  # today's PCN is the tree's
    linked.refresh_from_db()
    assert linked.parent_id == practices[0].parent_id and linked.end is None
    assert tree_check.diagnose().ok


# England ×N ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_multiply_copies_each_system_with_its_links_successions_seats_and_history(place_of_three_pcns):
    s = place_of_three_pcns
    successor = org("QBB", "icb")
    succession(s["icb"], successor, D(2026, 4, 1))
    link(s["place"], s["icb"], Relation.SUB_ICB_ICB, end=D(2026, 3, 31))
    board = org("qaa-board", "board", s["icb"])
    appoint(seat(board, "Place member", represents=s["place"]), "Illustrative Holder")

    result = scale.multiply(3, years=1, monthly_moves=1)

    assert result["tree_ok"] and result["systems"] == 6 and result["months"] == 12
    copy = {o.code: o for o in Organisation.objects.filter(code__endswith="-copy2")}
    assert copy["P00001-copy2"].parent.code == "U00002-copy2"
    place_link = Link.objects.get(child=copy["00A-copy2"])
    assert (place_link.parent.code, place_link.relation, place_link.end) == (
        "QAA-copy2",
        Relation.SUB_ICB_ICB,
        D(2026, 3, 31),
    )
    assert Succession.objects.filter(predecessor=copy["QAA-copy2"], successor=copy["QBB-copy2"]).exists()
    assert Seat.objects.get(body=copy["qaa-board-copy2"]).represents == copy["00A-copy2"]
    assert Appointment.objects.filter(seat__body=copy["qaa-board-copy2"]).count() == 1
    # Links join organisations of one copy only.
    for row in Link.objects.select_related("child", "parent"):
        assert row.child.code.partition("-copy")[2] == row.parent.code.partition("-copy")[2]
    assert result["moves"] == 12 * 3 and overlapping(Link.objects.all()) == []
    # The copies' pks were given, not drawn: the next organisation still gets a free one.
    assert org("QCC", "icb").pk not in {o.pk for o in copy.values()}
