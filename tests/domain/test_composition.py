"""The statutory composition check of a system's top board (governance.domain.composition)."""

import pytest

from governance.domain import composition
from governance.models import Appointment, Seat
from governance.reading.graph import SystemGraph
from tests.builders import D, appoint, org, statutory_board

pytestmark = pytest.mark.django_db

BEFORE, AFTER = D(2025, 1, 1), D(2025, 6, 1)


def check(system, date) -> dict:
    return composition.composition(SystemGraph.load(system.pk, date))


def statuses(result: dict) -> dict[str, str]:
    return {r["requirement"]: r["status"] for r in result["requirements"]}


def not_recorded(seat: Seat) -> None:
    seat.appointments.all().delete()
    Seat.objects.filter(pk=seat.pk).update(holders_recorded=False)


@pytest.fixture
def board():
    """Every statutory seat held, then: the chief executive leaves on 2025-03-31; no director of nursing's
    seat; who holds the finance director's seat and one non-executive's is not recorded; the GP partner
    member's seat was never filled."""
    system = org("QKS", "icb", name="NHS Kent and Medway ICB")
    seats = statutory_board(system)
    Appointment.objects.filter(seat=seats["Chief executive"]).update(end=D(2025, 3, 31))
    seats["Director of nursing"].delete()
    not_recorded(seats["Director of finance"])
    not_recorded(seats["Non-executive member (2)"])
    seats["Partner member (primary medical services)"].appointments.all().delete()
    return system


def test_vacant_missing_and_unrecorded_requirements_on_two_dates(board):
    before, after = check(board, BEFORE), check(board, AFTER)

    assert statuses(before) == {
        "chair": "met",
        "chief_executive": "met",
        "finance_director": "unrecorded",
        "medical_director": "met",
        "nursing_director": "missing",
        "non_executive": "unrecorded",
        "partner_trusts": "met",
        "partner_primary_medical": "vacant",
        "partner_local_authority": "met",
        "mental_health": "met",
    }
    assert statuses(after) == {**statuses(before), "chief_executive": "vacant"}
    assert before["met"] is False and after["met"] is False
    non_executive = next(r for r in before["requirements"] if r["requirement"] == "non_executive")
    assert non_executive == {
        "requirement": "non_executive",
        "description": "Two non-executive members",
        "basis": "policy",
        "minimum": 2,
        "seats": 2,
        "filled": 1,
        "vacant": 0,
        "unrecorded": 1,
        "status": "unrecorded",
    }
    assert before["system"] == {"code": "QKS", "name": "NHS Kent and Medway ICB"}
    assert before["board"] == {"code": "qks-board", "name": "NHS Kent and Medway ICB board", "kind": "board"}
    assert before["date"] == "2025-01-01"


def test_met_is_true_when_all_are_met_and_null_when_only_holders_are_unknown():
    system = org("QKS", "icb")
    seats = statutory_board(system)
    assert check(system, BEFORE)["met"] is True

    not_recorded(seats["Chair"])
    assert check(system, BEFORE)["met"] is None


def test_places_count_not_seats_and_vacant_wins_over_unrecorded():
    system = org("QKS", "icb")
    seats = statutory_board(system)
    seats["Non-executive member (2)"].delete()
    one = seats["Non-executive member (1)"]
    Seat.objects.filter(pk=one.pk).update(max_holders=2)
    assert statuses(check(system, BEFORE))["non_executive"] == "vacant"  # two places, one filled

    appoint(one, "Illustrative Second Non-executive", D(2022, 7, 1))
    assert statuses(check(system, BEFORE))["non_executive"] == "met"


def test_a_system_without_a_top_board_has_nothing_to_check():
    system = org("QKS", "icb")

    assert check(system, BEFORE) | {"system": None} == {
        "system": None,
        "date": "2025-01-01",
        "board": None,
        "requirements": [],
        "met": None,
    }


def test_statuses_are_the_documented_ones():
    assert set(composition.STATUSES) == {"met", "missing", "vacant", "unrecorded"}
    assert [r.key for r in composition.REQUIREMENTS] == [
        "chair",
        "chief_executive",
        "finance_director",
        "medical_director",
        "nursing_director",
        "non_executive",
        "partner_trusts",
        "partner_primary_medical",
        "partner_local_authority",
        "mental_health",
    ]


def test_each_requirement_says_its_basis_the_act_or_nhs_england_policy():
    system = org("QKS", "icb")
    statutory_board(system)

    bases = {r["requirement"]: r["basis"] for r in check(system, BEFORE)["requirements"]}

    assert bases == {
        "chair": "act",
        "chief_executive": "act",
        "finance_director": "policy",
        "medical_director": "policy",
        "nursing_director": "policy",
        "non_executive": "policy",
        "partner_trusts": "act",
        "partner_primary_medical": "act",
        "partner_local_authority": "act",
        "mental_health": "act",
    }


def test_the_mental_health_member_is_checked_by_the_seat_flagged_for_it():
    system = org("QKS", "icb")
    seats = statutory_board(system)
    flagged = seats["Non-executive member (1)"]
    mental_health = next(r for r in check(system, BEFORE)["requirements"] if r["requirement"] == "mental_health")
    assert (mental_health["minimum"], mental_health["seats"], mental_health["filled"]) == (1, 1, 1)
    assert mental_health["status"] == "met"

    flagged.appointments.all().delete()
    assert statuses(check(system, BEFORE))["mental_health"] == "vacant"

    not_recorded(flagged)
    assert statuses(check(system, BEFORE))["mental_health"] == "unrecorded"


def test_a_board_with_no_seat_flagged_does_not_know_its_mental_health_member_rather_than_miss_it():
    system = org("QKS", "icb")
    statutory_board(system, mental_health=None)

    result = check(system, BEFORE)

    assert statuses(result)["mental_health"] == "unrecorded"
    assert statuses(result)["chair"] == "met" and result["met"] is None
    assert {r.key: r.minimum for r in composition.REQUIREMENTS}["non_executive"] == 2
