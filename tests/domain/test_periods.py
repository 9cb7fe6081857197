"""The one rule of time (domain.periods.Period), in memory and in SQL, and its guard in PostgreSQL."""

import pytest
from django.db import IntegrityError, connection, transaction

from governance.domain.periods import Period
from governance.models import Appointment, Kind, Link, Organisation, Relation
from tests.builders import D, appoint, link, ods, org, seat

DAYS = [D(2022, 6, 30), D(2022, 7, 1), D(2024, 1, 1), D(2026, 3, 31), D(2026, 4, 1)]
PERIODS = [
    Period(),
    Period(D(2022, 7, 1), None),
    Period(None, D(2026, 3, 31)),
    Period(D(2022, 7, 1), D(2026, 3, 31)),
    Period(D(2026, 4, 1), D(2026, 4, 1)),
]


@pytest.mark.parametrize("period", PERIODS)
def test_both_ends_are_inclusive_and_an_empty_end_reaches_out_for_ever(period):
    for day in DAYS:
        after_start = period.start is None or day >= period.start
        before_end = period.end is None or day <= period.end
        assert period.holds_on(day) is (after_start and before_end)


def test_periods_overlap_when_they_share_a_day():
    march, april = Period(D(2026, 3, 1), D(2026, 3, 31)), Period(D(2026, 4, 1), None)

    assert not march.overlaps(april)
    assert Period(D(2026, 3, 31), None).overlaps(march)
    assert Period().overlaps(march)
    assert april.overlaps(Period(None, D(2026, 4, 1)))


@pytest.mark.django_db
@pytest.mark.parametrize("day", DAYS)
def test_the_database_and_memory_say_the_same_for_every_dated_model(day):
    """Organisation (opened/closed), Link and Appointment answer ``on(day)`` as ``holds_on(day)`` does."""
    icb = org("QAA", Kind.ICB, opened=D(2022, 7, 1), closed=D(2026, 3, 31))
    org("QAA-B", Kind.BOARD, icb, opened=D(2026, 4, 1))
    place = ods("00A", Kind.PLACE, icb)
    link(place, icb, Relation.SUB_ICB_ICB, start=D(2022, 7, 1), end=D(2026, 3, 31))
    board_seat = seat(org("QAA-C", Kind.BOARD, icb), "Chair", role="chair")
    appoint(board_seat, "A", start=D(2022, 7, 1), end=D(2024, 1, 1))
    appoint(board_seat, "B", start=D(2024, 1, 2))

    for model in (Organisation, Link, Appointment):
        in_sql = set(model.objects.on(day).values_list("pk", flat=True))
        in_memory = {row.pk for row in model.objects.all() if row.holds_on(day)}
        assert in_sql == in_memory, model.__name__
    assert set(Organisation.objects.open_on(day)) == set(Organisation.objects.on(day))


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_postgresql_refuses_two_links_of_a_relation_on_the_same_day():
    icb = org("QAA", Kind.ICB)
    place, other = ods("00A", Kind.PLACE, icb), ods("00B", Kind.PLACE, icb)
    pcn = ods("U00001", Kind.PCN, place)
    link(pcn, place, Relation.PCN_SUB_ICB, start=D(2022, 7, 1), end=D(2024, 3, 31))

    with pytest.raises(IntegrityError), transaction.atomic():
        link(pcn, other, Relation.PCN_SUB_ICB, start=D(2024, 3, 31))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    link(pcn, other, Relation.PCN_SUB_ICB, start=D(2024, 4, 1))  # the day after: allowed
    assert Link.objects.filter(child=pcn).count() == 2
