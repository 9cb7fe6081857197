"""Date rules: the one as-of date parser, and the queryset methods that say what was open or current on a day."""

import contextlib
import datetime
import itertools
import re

import pytest
from django.utils import timezone

from governance.domain import dates
from governance.domain.dates import BadDate, as_of, parse_date
from governance.models import Appointment, Organisation, Seat
from tests.builders import BAD_DATES, D, appoint, org, seat


def test_a_date_is_exactly_yyyy_mm_dd():
    assert parse_date("2025-01-01") == D(2025, 1, 1)
    assert parse_date("2024-02-29") == D(2024, 2, 29)


# date.fromisoformat takes the first ones (basic and week forms); none is what the documentation promises.
@pytest.mark.parametrize(
    "text",
    [
        *BAD_DATES,
        "2025-W01-3",
        "2025001",
        "2025-01-01T00:00",
        "2025-13-01",
        "0000-01-01",
        "",
        " 2025-01-01",
        "٢٠٢٥-٠١-٠١",
    ],
)
def test_anything_else_is_a_bad_date_with_a_sentence_quoting_it(text):
    with pytest.raises(BadDate) as refused:
        parse_date(text)

    assert str(refused.value) == f"'{text}' is not a date in the form YYYY-MM-DD."
    assert refused.value.text == text


def test_as_of_is_today_when_blank_and_ignores_surrounding_spaces():
    assert as_of(None) == as_of("") == as_of("  ") == timezone.localdate()
    assert as_of(" 2025-01-01 ") == D(2025, 1, 1)
    with pytest.raises(BadDate, match="'20250101' is not a date"):
        as_of(" 20250101 ")


# Around a row that opens (starts) on 2024-01-10 and closes (ends) on 2024-01-20, both days included.
DAYS = [D(2024, 1, 9), D(2024, 1, 10), D(2024, 1, 15), D(2024, 1, 20), D(2024, 1, 21)]


@pytest.mark.django_db
@pytest.mark.parametrize("day", DAYS)
def test_open_on_in_sql_agrees_with_is_active_on(day):
    icb = org("QAA", "icb")
    rows = [
        icb,
        org("P1", "place", icb, opened=D(2024, 1, 10), closed=D(2024, 1, 20)),
        org("P2", "place", icb, opened=D(2024, 1, 10)),
        org("P3", "place", icb, closed=D(2024, 1, 20)),
    ]
    expected = {o.code for o in rows if o.is_active_on(day)}
    icb.refresh_from_db()  # its tree numbers moved as children were added

    assert {o.code for o in Organisation.objects.open_on(day)} == expected
    assert {o.code for o in Organisation.objects.not_open_on(day)} == {o.code for o in rows} - expected
    assert {o.code for o in icb.get_children().open_on(day)} == expected - {"QAA"}  # the tree's querysets too


@pytest.mark.django_db
@pytest.mark.parametrize("day", DAYS)
def test_current_on_and_vacant_on_in_sql_agree_with_is_current_on(day):
    board = org("qaa-board", "board", org("QAA", "icb"))
    rows = [
        appoint(seat(board, "Bounded"), "A", D(2024, 1, 10), D(2024, 1, 20)),
        appoint(seat(board, "Open-ended"), "B", D(2024, 1, 10)),
    ]
    empty = seat(board, "Never held")
    expected = {a.pk for a in rows if a.is_current_on(day)}

    assert {a.pk for a in Appointment.objects.current_on(day)} == expected
    assert {a.pk for a in Appointment.objects.not_current_on(day)} == {a.pk for a in rows} - expected
    vacant = {empty.pk} | {a.seat_id for a in rows if a.pk not in expected}
    assert {s.pk for s in Seat.objects.vacant_on(day)} == vacant


# --- issue 24: the one range of dates the domain believes ---------------------------------------


@pytest.mark.parametrize("day", [D(1948, 7, 5), D(2022, 7, 1), D(2100, 12, 31)])
def test_the_range_runs_from_the_nhs_founding_to_the_end_of_2100(day):
    assert dates.range_problem(day) is None
    assert dates.believed(day) == day


@pytest.mark.parametrize("day", [datetime.date.min, D(1948, 7, 4), D(2101, 1, 1), datetime.date.max])
def test_a_day_outside_the_range_is_refused_with_a_sentence_that_says_the_range(day):
    sentence = f"'{day.isoformat()}' is outside the dates icsmap holds: give a date from 1948-07-05"

    assert dates.range_problem(day).startswith(sentence)
    with pytest.raises(dates.DateOutOfRange, match=sentence):
        dates.believed(day)


@pytest.mark.parametrize("text", ["0001-01-01", "1947-12-31", "2101-01-01", "9999-12-31"])
def test_an_as_of_date_outside_the_range_is_a_bad_date(text):
    with pytest.raises(BadDate) as raised:
        as_of(text)

    assert isinstance(raised.value, dates.DateOutOfRange) and raised.value.text == text


def test_the_range_as_a_pattern_takes_exactly_the_days_the_domain_believes():
    # The OpenAPI schema's pattern for dates, tried on every YYYY-MM-DD from 1947 to 2101, real days and not.
    pattern = re.compile(dates.RANGE_PATTERN)
    taken, believed = set(), set()
    for year, month, day in itertools.product(range(1947, 2102), range(1, 13), range(1, 32)):
        text = f"{year}-{month:02}-{day:02}"
        if pattern.fullmatch(text):
            taken.add(text)
        with contextlib.suppress(ValueError):  # 2023-02-29, 2024-04-31
            if dates.range_problem(datetime.date(year, month, day)) is None:
                believed.add(text)

    assert taken == believed
    assert min(taken) == "1948-07-05" and max(taken) == "2100-12-31" and "2000-02-29" in taken


def test_the_day_after_and_before_never_overflow():
    assert dates.day_after(D(2026, 3, 31)) == D(2026, 4, 1)
    assert dates.day_before(D(2026, 4, 1)) == D(2026, 3, 31)
    assert dates.day_after(datetime.date.max) is None
    assert dates.day_before(datetime.date.min) is None
