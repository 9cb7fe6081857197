"""One reader of events (governance.reading.happened): the timeline and the feeds list the same events.

A system's timeline lists a period of them, its Atom feed the newest up to a day, England's feed
every system's, each event once; both say each event in the same words on the same day.
"""

import pytest
from django.utils import timezone

from governance.domain.composition import REQUIREMENTS
from governance.reading import events as said
from governance.reading.changes import recent_changes
from governance.reading.timeline import timeline
from tests.builders import (
    D,
    alpha_and_mid_essex,
    appoint,
    linked_pcn,
    linked_place,
    linked_practice,
    move_pcn,
    seat,
    set_top_board,
)

pytestmark = pytest.mark.django_db

MERGED = D(2026, 4, 1)  # the day NHS Mid and South Essex merged into NHS Essex
EVER = D(2000, 1, 1)
EVERY = 1000  # more than any system here has: a feed as long as the whole timeline


@pytest.fixture
def england():
    """Three systems and a merger, every kind of event among them:

    - NHS Alpha ICB (QAA): P84001 moves from North PCN (U1) to South PCN (U2) on 1 April 2025;
      Old Surgery (P84002) closes on 30 September 2025; New Surgery (P84003) opens on 2 June 2025;
      its board's chair is Holder One until 31 May 2025 (then vacant), Holder Two from 1 July 2025,
      Holder Three seen in post on 1 March 2026; a seat added today, with nobody in it yet.
    - NHS Mid and South Essex ICB (QH8), closed 31 March 2026: South Essex place (99E) with Essex
      PCN (U3) and Basildon Surgery (F81001), which moves to Alpha's North PCN on 1 October 2025;
      99E is NHS Essex's (D7T5G) from 1 April 2026, the day QH8 merged into it.
    """
    s = alpha_and_mid_essex(MERGED)
    s["one"] = appoint(s["chair"], "Holder One", D(2023, 4, 1), D(2025, 5, 31))
    s["two"] = appoint(s["chair"], "Holder Two", D(2025, 7, 1), D(2026, 2, 28), end_known=False)
    s["three"] = appoint(
        s["chair"], "Holder Three", D(2026, 3, 1), start_known=False, seen=D(2026, 3, 1), source="https://example.org"
    )
    s["new_seat"] = seat(s["board"], "Member for carers")
    move_pcn(s["F81001"], s["U3"], s["U1"], D(2025, 10, 1))
    return s


def told(code: str) -> list[tuple]:
    """The system's whole timeline to today, as (day, kind, sentence)."""
    events = timeline(code, EVER, timezone.localdate())["events"]
    return sorted((e["date"], e["kind"], e["text"]) for e in events)


def fed(system) -> list[tuple]:
    """The system's feed (None: England's), as long as its whole timeline, as (day, kind, sentence)."""
    return sorted(
        (c.date.isoformat(), c.kind, c.description) for c in recent_changes(system, limit=EVERY) if c.kind != "vacant"
    )


@pytest.mark.parametrize("code", ["QAA", "QH8", "D7T5G"])
def test_a_systems_feed_and_timeline_tell_the_same_events_in_the_same_words_on_the_same_day(england, code):
    assert fed(england[code].pk) == told(code) != []


def test_both_list_every_kind(england):
    kinds = {kind for code in ("QAA", "QH8", "D7T5G") for _day, kind, _text in told(code)}

    assert kinds == set(said.KINDS) - {"moved", "pcn_joined", "pcn_left"}  # none of those happens here
    assert {change.kind for change in recent_changes(None, limit=EVERY)} == kinds | {said.VACANT}


def test_the_feed_hears_of_pcn_moves_and_successions_the_timeline_of_seats_added(england):
    feed = {(c.kind, c.description) for c in recent_changes(england["QAA"].pk)}
    assert ("pcn_move", "Moving Surgery (P84001) moved from North PCN (U1) to South PCN (U2).") in feed
    assert (
        "succession",
        "NHS Mid and South Essex ICB (QH8) closed; merged into NHS Essex ICB (D7T5G) on 1 April 2026.",
    ) in {(c.kind, c.description) for c in recent_changes(england["D7T5G"].pk)}

    [added] = [e for e in timeline("QAA", EVER, timezone.localdate())["events"] if e["kind"] == "seat_added"]
    assert added["date"] == timezone.localdate().isoformat()
    assert added["seat"] == {"id": england["new_seat"].pk, "label": "Member for carers"}
    assert added["text"].startswith("The seat “Member for carers” was added to Alpha board (qaa-board) on ")


def test_englands_feed_is_every_systems_each_event_once(england):
    everywhere = recent_changes(None, limit=EVERY)
    keys = [change.key for change in everywhere]
    by_system = {c.key for code in ("QAA", "QH8", "D7T5G") for c in recent_changes(england[code].pk, limit=EVERY)}

    assert len(keys) == len(set(keys)) and set(keys) == by_system
    # A practice moving between two systems is one event, told the same in both systems' feeds.
    [move] = [c for c in everywhere if c.kind == "pcn_move" and c.organisation == "F81001"]
    assert move.description == (
        "Basildon Surgery (F81001) moved from Essex PCN (U3) to North PCN (U1) "
        "(from NHS Mid and South Essex ICB (QH8) to NHS Alpha ICB (QAA))."
    )
    # A succession once, from its successor's side; a place changing system is each system's news.
    [merger] = [c for c in everywhere if c.kind == "succession"]
    assert merger.organisation == "D7T5G" and merger.title == "Merger: NHS Mid and South Essex ICB to NHS Essex ICB"
    assert {c.title for c in everywhere if c.organisation == "99E"} == {
        "Left NHS Mid and South Essex ICB: South Essex place (place)",
        "Joined NHS Essex ICB: South Essex place (place)",
    }


def test_the_newest_are_those_in_effect_by_until_newest_first(england):
    pk = england["QAA"].pk

    before = recent_changes(pk, until=D(2025, 5, 31), limit=EVERY)
    on = recent_changes(pk, until=D(2025, 6, 1), limit=EVERY)
    assert "appointment_ended" not in {c.kind for c in before}
    assert [(c.kind, c.date) for c in on[:2]] == [("appointment_ended", D(2025, 6, 1)), ("vacant", D(2025, 6, 1))]
    assert [c.date for c in on] == sorted((c.date for c in on), reverse=True)
    # The newest few are the first of the whole list.
    assert [c.key for c in recent_changes(pk, until=D(2025, 6, 1), limit=3)] == [c.key for c in on[:3]]


def test_an_end_no_source_states_is_no_departure_and_a_holder_seen_is_not_appointed(england):
    events = timeline("QAA", EVER, timezone.localdate())["events"]

    assert [e["person"]["name"] for e in events if e["kind"] == "appointment_ended"] == ["Holder One"]
    [seen] = [e for e in events if e["kind"] == "appointment_seen"]
    assert seen["person"]["name"] == "Holder Three" and seen["source"] == "https://example.org"
    assert seen["text"] == (
        "Holder Three is in post in the seat “Chair” on Alpha board (qaa-board) on 1 March 2026, "
        "according to https://example.org (since when is not published)."
    )


def test_a_seat_recorded_late_or_statutory_is_not_news_on_either(england):
    late = seat(england["board"], "Member since 2022")
    appoint(late, "Illustrative Member", D(2022, 7, 1))
    set_top_board(england["QAA"], england["board"])
    statutory = next(requirement.role for requirement in REQUIREMENTS if requirement.role)
    seat(england["board"], "Statutory member", role=statutory)

    added = [text for _day, kind, text in told("QAA") if kind == "seat_added"]
    assert len(added) == 1 and "Member for carers" in added[0]
    assert [c.title for c in recent_changes(england["QAA"].pk) if c.kind == "seat_added"] == [
        "New seat: Member for carers, Alpha board"
    ]


def grow(system, board, size: int) -> None:
    """``size`` more practices that each change PCN, and ``size`` more seats each held for a while, in ``system``."""
    area = linked_place(f"{system.code}G", system, "Grown place")
    first, second = (
        linked_pcn(f"U{system.code}G1", area, "Grown PCN 1"),
        linked_pcn(f"U{system.code}G2", area, "Grown PCN 2"),
    )
    for n in range(size):
        unit = linked_practice(f"P{system.code}{n:03d}", first, f"Grown Surgery {n}")
        move_pcn(unit, first, second, D(2024, 1, 1 + n % 28))
        appoint(seat(board, f"Grown seat {n}"), f"Holder {n}", D(2024, 2, 1 + n % 28), D(2024, 3, 1 + n % 28))


@pytest.mark.parametrize("size", [1, 30])
@pytest.mark.parametrize("everywhere", [False, True])
def test_the_queries_are_as_few_whatever_the_number_of_changes(england, django_assert_num_queries, size, everywhere):
    grow(england["QAA"], england["board"], size)
    system = None if everywhere else england["QAA"].pk

    # England's structure (organisations, links, names, seats, appointments), the successions, the seats
    # added and the appointments' ids.
    with django_assert_num_queries(8):
        assert len(recent_changes(system, limit=EVERY)) > 2 * size
    # The timeline: the same but the appointments' ids.
    with django_assert_num_queries(7):
        assert (
            timeline("QAA", EVER, timezone.localdate())["counts"]["pcn_move"] == size + 2
        )  # and the two of the fixture
