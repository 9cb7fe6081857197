"""Holders seen on a date (DESIGN.md, "Facts seen on a date"): the loader's `seen`, its sources, and what
the path, the structure and the vacancy query say before and after the day a source saw someone in post."""

import datetime

import pytest

from governance import governance_file as loading
from governance.domain.periods import unknown_on
from governance.models import AlsoReported, Appointment, Cluster, Organisation, Seat
from governance.reading import ladder, structure
from governance.reading.graph import SystemGraph
from tests.builders import SOURCED_SYSTEM, load_text

D = datetime.date
pytestmark = pytest.mark.django_db


def refused(tmp_path, text: str) -> list[str]:
    with pytest.raises(loading.GovernanceFileError) as raised:
        load_text(tmp_path, text)
    return [f"{p.where}: {p.message}" for p in raised.value.problems]


def chair_holders(date):
    seats = structure.seats_with_holders(Seat.objects.filter(label="Chair", body__code="qss-board"), date)
    return seats[0]


def place_path(date):
    qss = Organisation.objects.get(code="QSS")
    graph = SystemGraph.load(qss.pk, date)
    return graph.path(Organisation.objects.get(code="P00S01").pk)


def test_a_holder_seen_without_from_is_stored_as_in_post_on_or_before_that_day(tmp_path):
    load_text(tmp_path, SOURCED_SYSTEM)

    first, second = Appointment.objects.filter(seat__label="Chair").order_by("start")
    assert (first.start, first.seen, first.start_known) == (D(2025, 1, 10), D(2025, 1, 10), False)
    assert first.source == "https://example.org/qss/board-2025"
    # Ended by the later holder's seen day, and marked as an end no source states.
    assert (first.end, first.end_known) == (D(2026, 3, 11), False)
    assert (second.end, second.start_known) == (None, False)


def test_loading_the_file_twice_changes_nothing(tmp_path):
    load_text(tmp_path, SOURCED_SYSTEM)
    report = load_text(tmp_path, SOURCED_SYSTEM)

    assert report.changes == []
    assert Appointment.objects.count() == 3 and AlsoReported.objects.count() == 1 and Cluster.objects.count() == 1


def test_a_holder_with_neither_from_nor_seen_is_refused(tmp_path):
    text = SOURCED_SYSTEM.replace("{name: Published Chair One, seen: 2025-01-10,", "{name: Published Chair One,")

    assert any("neither from nor seen" in problem for problem in refused(tmp_path, text))
    assert not Organisation.objects.filter(code="QSS").exists()


@pytest.mark.parametrize(
    "source",
    ["not a link", "ftp://example.org/board", "https://", "javascript:alert(1)"],
)
def test_a_seen_holder_whose_source_is_not_an_http_link_is_refused(tmp_path, source):
    text = SOURCED_SYSTEM.replace("source: https://example.org/qss/board-2025}", f"source: '{source}'}}")

    problems = refused(tmp_path, text)

    assert any(p.startswith("seats[0].holders[0].source: not a link") for p in problems), problems
    assert not Appointment.objects.exists()


def test_a_seen_holder_without_a_source_is_refused(tmp_path):
    text = SOURCED_SYSTEM.replace(", source: https://example.org/qss/board-2025}", "}")

    assert "seats[0].holders[0].source: missing: give the URL of the page that shows this" in refused(tmp_path, text)


def test_a_source_written_as_a_link_must_be_one_even_beside_from(tmp_path):
    text = SOURCED_SYSTEM.replace(
        "{name: Published Chair One, seen: 2025-01-10, source: https://example.org/qss/board-2025}",
        "{name: Published Chair One, from: 2025-01-10, source: 'http//example.org'}",
    )

    assert any("holders[0].source: not a link" in p for p in refused(tmp_path, text))


def test_seen_before_from_is_refused(tmp_path):
    text = SOURCED_SYSTEM.replace("seen: 2025-01-10,", "from: 2025-02-01, seen: 2025-01-10,")

    assert any("holders[0].seen: 2025-01-10 is before from (2025-02-01)" in p for p in refused(tmp_path, text))


def test_before_the_day_a_source_saw_the_holder_the_seat_is_not_recorded_not_vacant(tmp_path):
    load_text(tmp_path, SOURCED_SYSTEM)

    before = chair_holders(D(2025, 1, 9))
    on = chair_holders(D(2025, 1, 10))

    assert (before["holders_recorded"], before["vacant"], before["holders"]) == (False, False, [])
    assert on["holders_recorded"] and [h["name"] for h in on["holders"]] == ["Published Chair One"]
    assert on["holders"][0]["from"] is None and on["holders"][0]["seen"] == "2025-01-10"
    assert not Seat.objects.vacant_on(D(2025, 1, 9)).filter(label="Chair").exists()


def test_a_later_holder_seen_in_post_ends_the_earlier_one(tmp_path):
    load_text(tmp_path, SOURCED_SYSTEM)

    assert [h["name"] for h in chair_holders(D(2026, 3, 11))["holders"]] == ["Published Chair One"]
    assert [h["name"] for h in chair_holders(D(2026, 3, 12))["holders"]] == ["Published Chair Two"]


def test_the_path_through_a_seat_says_holders_not_recorded_before_seen_and_names_the_holder_after(tmp_path):
    load_text(tmp_path, SOURCED_SYSTEM)

    before = place_path(D(2026, 3, 11))["layers"][-1]["seat"]
    after = place_path(D(2026, 3, 12))["layers"][-1]["seat"]

    assert (before["holders_recorded"], before["vacant"], before["holders"]) == (False, False, [])
    assert after["holders_recorded"] and not after["vacant"]
    assert after["holders"] == [
        {
            "name": "Published Place Member",
            "person_id": after["holders"][0]["person_id"],
            "from": None,
            "to": None,
            "seen": "2026-03-12",
            "source": "https://example.org/qss/board-2026",
            "acting": False,
        }
    ]
    assert place_path(D(2026, 3, 11))["complete"] is False


def test_a_seat_whose_previous_holder_left_on_a_stated_day_is_vacant_until_the_next_holder_begins(tmp_path):
    text = SOURCED_SYSTEM.replace(
        "{name: Published Chair One, seen: 2025-01-10, source: https://example.org/qss/board-2025}",
        "{name: Published Chair One, from: 2024-01-01, to: 2024-06-30, source: https://example.org/a}\n"
        "      - {name: Published Chair Half, from: 2024-09-01, to: 2024-12-31, source: https://example.org/b}",
    )
    load_text(tmp_path, text)

    # Between two stated appointments the seat is known to be empty; after the last stated one,
    # the next holder is known only from the day a source saw them: not recorded.
    assert chair_holders(D(2024, 8, 1))["vacant"] is True
    assert chair_holders(D(2025, 6, 1))["holders_recorded"] is False
    assert set(Seat.objects.vacant_on(D(2024, 8, 1)).values_list("label", flat=True)) == {"Chair"}


@pytest.mark.parametrize(
    ("starts", "unknown"),
    [
        ([], False),
        ([(D(2025, 1, 10), False)], True),
        ([(D(2025, 1, 10), True)], False),
        ([(D(2024, 6, 1), True), (D(2025, 1, 10), False)], False),
        ([(D(2024, 6, 1), False), (D(2025, 1, 10), True)], True),
    ],
)
def test_the_rule_of_an_empty_post_before_a_seen_period(starts, unknown):
    assert unknown_on(D(2024, 1, 1), starts) is unknown


def test_clusters_bodies_sources_and_also_reported_are_stored(tmp_path):
    load_text(tmp_path, SOURCED_SYSTEM)

    cluster = Cluster.objects.get()
    committee = Organisation.objects.get(code="qss-pcc")
    report = AlsoReported.objects.get()

    assert (cluster.name, cluster.start, cluster.start_known, cluster.icb.code) == (
        "Sourced and Other cluster",
        D(2025, 9, 1),
        False,
        "QSS",
    )
    assert (committee.governance_source, committee.verified_on) == ("https://example.org/qss/pcc", D(2026, 1, 10))
    assert (report.seat.label, report.name, report.seen) == (
        "Sourced place member",
        "Other Place Member",
        D(2025, 11, 2),
    )
    assert Seat.objects.get(label="Sourced place member").mental_health is True


def test_a_cluster_without_a_date_or_with_a_bad_source_is_refused(tmp_path):
    text = SOURCED_SYSTEM.replace("seen: 2025-09-01, source: https://example.org/clusters", "source: clusters page")

    problems = refused(tmp_path, text)

    assert (
        "system.clusters[0]: gives neither from nor seen: say since when, or the day the source shows the cluster"
        in problems
    )
    assert any(p.startswith("system.clusters[0].source: not a link") for p in problems)


def test_the_command_line_ladder_says_in_post_on_the_day_seen_with_its_source(tmp_path):
    load_text(tmp_path, SOURCED_SYSTEM)

    text = ladder.render(place_path(D(2026, 4, 1)))

    assert "Published Place Member (in post on 2026-03-12, according to https://example.org/qss/board-2026)" in text
    assert "a seat on the way has its holders not recorded" in ladder.render(place_path(D(2026, 3, 11)))


def test_a_holder_seen_again_by_a_later_source_is_one_appointment_not_two(tmp_path):
    text = SOURCED_SYSTEM.replace(
        "      - {name: Published Chair Two, seen: 2026-03-12,",
        "      - {name: Published Chair One, seen: 2025-11-20, source: https://example.org/qss/news}\n"
        "      - {name: Published Chair Two, seen: 2026-03-12,",
    )
    load_text(tmp_path, text)

    first = Appointment.objects.get(person__name="Published Chair One")
    assert (first.start, first.seen, first.source) == (
        D(2025, 1, 10),
        D(2025, 1, 10),
        "https://example.org/qss/board-2025",
    )
    assert (first.end, first.end_known) == (D(2026, 3, 11), False)
    assert Appointment.objects.filter(seat__label="Chair").count() == 2


def test_a_holder_who_left_and_was_seen_again_later_holds_two_appointments(tmp_path):
    text = SOURCED_SYSTEM.replace(
        "{name: Published Chair One, seen: 2025-01-10, source: https://example.org/qss/board-2025}",
        "{name: Published Chair One, from: 2023-01-01, to: 2023-12-31, source: https://example.org/a}\n"
        "      - {name: Published Chair One, seen: 2025-01-10, source: https://example.org/qss/board-2025}",
    )
    load_text(tmp_path, text)

    starts = Appointment.objects.filter(person__name="Published Chair One").order_by("start")
    assert [(a.start, a.start_known) for a in starts] == [(D(2023, 1, 1), True), (D(2025, 1, 10), False)]


def test_a_holder_named_acting_is_stored_acting_and_the_ladder_says_so(tmp_path):
    text = SOURCED_SYSTEM.replace(
        "{name: Published Place Member, seen: 2026-03-12,",
        "{name: Published Place Member, acting: true, seen: 2026-03-12,",
    )
    load_text(tmp_path, text)

    assert Appointment.objects.get(person__name="Published Place Member").acting is True
    assert Appointment.objects.get(person__name="Published Chair Two").acting is False  # left out: not acting
    assert "Published Place Member (acting) (in post on 2026-03-12" in ladder.render(place_path(D(2026, 4, 1)))


def test_a_holder_whose_acting_is_not_true_or_false_is_refused_naming_its_place(tmp_path):
    text = SOURCED_SYSTEM.replace(
        "{name: Published Place Member, seen: 2026-03-12,",
        "{name: Published Place Member, acting: sometimes, seen: 2026-03-12,",
    )

    assert "seats[1].holders[0].acting: not true or false ('sometimes')" in refused(tmp_path, text)
    assert not Organisation.objects.filter(code="QSS").exists()
