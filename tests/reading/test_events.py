"""One source of events' words (governance.reading.events): a feed entry and the timeline say the same sentence.

The feeds (``reading.changes``) and a system's timeline (``reading.timeline``) read the same events
(``reading.happened``); what they say of the same happening, and its date in words, is one sentence.
"""

import pytest

from governance.reading import events as said
from governance.reading.changes import recent_changes
from governance.reading.timeline import timeline
from tests.builders import D, appoint, org, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def alpha():
    """NHS Alpha ICB: a practice that opens on 2 June 2025 and closes on 30 September 2026, and a
    board seat held from 5 January to 1 February 2026, then vacant."""
    icb = org("QAA", "icb", name="NHS Alpha ICB", opened=D(2022, 7, 1))
    network = org("U1", "pcn", org("00A", "place", icb, name="Alpha place"), name="North PCN")
    org("P84003", "practice", network, name="New Surgery", opened=D(2025, 6, 2), closed=D(2026, 9, 30))
    member = seat(org("qaa-board", "board", icb, name="Alpha board"), "Member")
    appoint(member, "Illustrative Member", D(2026, 1, 5), end=D(2026, 2, 1))
    return icb


def feed(system) -> dict[str, str]:
    """The feed's summaries since 2025 by kind (the ICB's own opening in 2022 is not among them)."""
    changes = recent_changes(system.pk, until=D(2026, 12, 7))
    return {change.kind: change.description for change in changes if change.date >= D(2025, 1, 1)}


def told(system) -> dict[str, str]:
    return {event["kind"]: event["text"] for event in timeline(system.pk, D(2025, 1, 1), D(2026, 12, 7))["events"]}


TOOK = "Illustrative Member took the seat “Member” on Alpha board (qaa-board): their first day was 5 January 2026."
LEFT = (
    "Illustrative Member left the seat “Member” on Alpha board (qaa-board): their last day was 1 February 2026. "
    "The seat is vacant."
)
OPENED = "New Surgery (P84003) opened in North PCN (U1) on 2 June 2025."
CLOSED = "New Surgery (P84003) closed (in North PCN (U1)): its last day was 30 September 2026."


def test_an_appointment_reads_the_same_in_the_feed_and_on_the_timeline(alpha):
    in_feed, on_timeline = feed(alpha), told(alpha)

    assert in_feed["appointment_started"] == on_timeline["appointment_started"] == TOOK
    # The feed's departure and "vacant" entries are the timeline's one event, said alike.
    assert in_feed["appointment_ended"] == in_feed["vacant"] == on_timeline["appointment_ended"] == LEFT


def test_an_opening_and_a_closing_read_the_same_in_the_feed_and_on_the_timeline(alpha):
    in_feed, on_timeline = feed(alpha), told(alpha)

    assert in_feed["opened"] == on_timeline["opened"] == OPENED
    assert in_feed["closed"] == on_timeline["closed"] == CLOSED


def test_dates_in_words_never_carry_a_leading_zero(alpha):
    # The one date in words (governance.domain.dates.in_words): "5 January 2026", not "05 January 2026".
    for sentence in [*feed(alpha).values(), *told(alpha).values()]:
        assert " 0" not in sentence, sentence


def test_a_seat_whose_holders_are_not_recorded_is_never_vacant():
    assert said.vacant_on(D(2026, 2, 2), True, [(D(2026, 1, 5), D(2026, 2, 1))]) is True
    assert said.vacant_on(D(2026, 2, 2), True, [(D(2026, 1, 5), D(2026, 2, 1)), (D(2026, 2, 2), None)]) is False
    assert said.vacant_on(D(2026, 2, 2), False, []) is False
