"""Rules that span rows (governance/rules.py), without the database."""

import datetime

import pytest

from governance.domain.rules import RuleError, check_holders, check_placement, most_concurrent

D = datetime.date


def test_a_holder_leaving_as_another_arrives_is_not_an_overlap():
    assert most_concurrent([(D(2022, 7, 1), D(2024, 3, 31)), (D(2024, 4, 1), None)]) == 1
    assert most_concurrent([(D(2022, 7, 1), D(2024, 4, 1)), (D(2024, 4, 1), None)]) == 2  # the end day is inclusive


def test_holder_overlap_check_copes_with_the_last_representable_date():
    far = datetime.date.max

    assert most_concurrent([(D(2022, 7, 1), far), (D(2023, 1, 1), None)]) == 2
    with pytest.raises(RuleError, match="2 people would hold this seat at once"):
        check_holders(1, [("A", D(2022, 7, 1), far), ("B", D(2023, 1, 1), None)])


def test_the_same_person_twice_at_once_is_refused_even_where_the_seat_takes_two():
    with pytest.raises(RuleError, match="overlapping"):
        check_holders(2, [("A", D(2022, 7, 1), None), ("A", D(2023, 1, 1), None)])


@pytest.mark.parametrize(
    ("kind", "parent_kind", "allowed"),
    [("practice", "pcn", True), ("board", "place", True), ("committee", "board", True), ("pcn", "board", False)],
)
def test_placement(kind, parent_kind, allowed):
    if allowed:
        check_placement(kind, parent_kind)
    else:
        with pytest.raises(RuleError):
            check_placement(kind, parent_kind)
