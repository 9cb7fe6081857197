"""The sources' ages in words (governance.reading.sources): "as last published on", and six months old said plainly."""

from governance.reading import sources
from tests.builders import D

TODAY = D(2026, 12, 7)


def row(role: str, data_date) -> dict:
    return {"role": role, "file": f"{role}.csv", "data_date": data_date, "published": "", "source": ""}


def test_a_recent_snapshot_is_said_with_its_date_alone():
    said = sources.ages([row("pcns", D(2026, 8, 1))], TODAY)

    assert said == [{"role": "pcns", "text": "PCN memberships as last published on 1 August 2026", "stale": False}]


def test_a_snapshot_more_than_six_months_old_says_so():
    said = sources.ages([row("pcns", D(2024, 10, 1)), row("practices", D(2026, 2, 3))], TODAY)

    assert [age["text"] for age in said] == [
        "GP practices as last published on 3 February 2026 — more than six months old",
        "PCN memberships as last published on 1 October 2024 — more than six months old",
    ]
    assert all(age["stale"] for age in said)


def test_six_months_to_the_day_is_not_yet_stale():
    assert not sources.ages([row("lookup", D(2026, 6, 7))], TODAY)[0]["stale"]
    assert sources.ages([row("lookup", D(2026, 6, 6))], TODAY)[0]["stale"]


def test_six_months_before_a_long_month_end_is_the_shorter_months_last_day():
    assert sources.stale_since(D(2026, 8, 31)) == D(2026, 2, 28)
    assert sources.stale_since(D(2028, 8, 31)) == D(2028, 2, 29)
    assert sources.stale_since(D(2027, 3, 15)) == D(2026, 9, 15)


def test_events_are_never_stale_and_a_row_without_a_date_is_not_aged():
    rows = [row("successions", D(2022, 7, 1)), row("division", D(2022, 7, 1)), row("practices", None)]

    assert sources.ages(rows, TODAY) == []


def test_the_pictures_caption_has_a_line_per_snapshot():
    found = {"ages": sources.ages([row("practices", D(2026, 11, 3)), row("pcns", D(2025, 1, 20))], TODAY)}

    assert sources.caption(found).splitlines() == [
        "GP practices as last published on 3 November 2026",
        "PCN memberships as last published on 20 January 2025 — more than six months old",
    ]
    assert sources.caption(None) == ""


def test_the_practice_pcn_map_and_registered_patients_are_aged_and_named_beside_the_older_pcn_file():
    rows = [row("pcns", D(2024, 10, 1)), row("snapshot", D(2026, 8, 1)), row("patients", D(2026, 8, 1))]

    said = [age["text"] for age in sources.ages(rows, TODAY)]
    sentence = sources.clauses(rows)

    assert said == [
        "PCN memberships as last published on 1 October 2024 — more than six months old",
        "Practices' PCNs on NHS England Digital's map as last published on 1 August 2026",
        "Registered patients as last published on 1 August 2026",
    ]
    assert sentence[1:] == [
        "practices' PCNs as seen on NHS England Digital's map as at 1 August 2026",
        "registered patients as at 1 August 2026",
    ]
