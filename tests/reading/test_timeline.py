"""What changed, when: a system's timeline (governance.reading.timeline), its page and its API.

The systems are built from dated links, as the ODS import keeps them: an event belongs to the
system its organisation was in on the event's day (a departure: the day before).
"""

import html

import pytest
from django.urls import reverse

from governance.caching import versioning
from governance.models import KIND_NOUNS, Kind, Relation
from governance.reading import timeline as timelines
from governance.reading.timeline import BadPeriod, UnknownSystem, period, timeline
from tests import builders
from tests.builders import (
    API,
    BAD_DATES,
    D,
    alpha_and_mid_essex,
    appoint,
    commit_now,
    link,
    linked_pcn,
    linked_place,
    linked_practice,
    move_pcn,
    ods,
    org,
    seat,
    succession,
)

pytestmark = pytest.mark.django_db

api_client = builders.api_client  # a DRF client, as the API tests use it
MERGED = D(2026, 4, 1)  # the day NHS Mid and South Essex merged into NHS Essex
EVER = (D(2020, 1, 1), D(2027, 12, 31))


@pytest.fixture
def england():
    """Two systems and a merger, each unit linked by date:

    - NHS Alpha ICB (QAA): Alpha place (00A) with North PCN (U1) and South PCN (U2). P84001 moves
      from U1 to U2 on 1 April 2025; Old Surgery (P84002) closes on 30 September 2025; New Surgery
      (P84003) opens in U2 on 2 June 2025. Its board's chair: Holder One until 31 May 2025 (the
      seat then vacant), Holder Two from 1 July 2025.
    - NHS Mid and South Essex ICB (QH8), closed 31 March 2026: South Essex place (99E) with Essex
      PCN (U3) and Basildon Surgery (F81001); 99E is NHS Essex's (D7T5G) from 1 April 2026, the day
      QH8 merged into it.
    """
    s = alpha_and_mid_essex(MERGED)
    appoint(s["chair"], "Holder One", D(2023, 4, 1), D(2025, 5, 31))
    appoint(s["chair"], "Holder Two", D(2025, 7, 1))
    # Each ICB's board opens and closes with it (as scaffold_governance dates them).
    org("qh8-board", "board", s["QH8"], name="QH8 board", opened=D(2022, 7, 1), closed=D(2026, 3, 31))
    org("d7t5g-board", "board", s["D7T5G"], name="D7T5G board", opened=MERGED)
    return s


def events(code: str, start=EVER[0], end=EVER[1], **match) -> list[dict]:
    """The events of ``code``'s timeline, those whose fields equal ``match``."""
    found = timeline(code, start, end)["events"]
    return [e for e in found if all(e.get(k) == v for k, v in match.items())]


def ref(unit) -> dict:
    return {"code": unit.code, "name": unit.name, "kind": unit.kind}


# --- what the timeline tells -------------------------------------------------------------------


def test_a_pcn_move_appears_on_its_day_with_the_old_and_the_new_pcn(england):
    [move] = events("QAA", kind="pcn_move")

    assert move["date"] == "2025-04-01"
    assert move["organisation"] == ref(england["P84001"])
    assert move["from"] == ref(england["U1"]) and move["to"] == ref(england["U2"])
    assert move["text"] == "Moving Surgery (P84001) moved from North PCN (U1) to South PCN (U2)."
    assert move["from_system"] == move["to_system"] == {"code": "QAA", "name": "NHS Alpha ICB"}


def test_a_move_to_a_pcn_of_another_system_is_in_both_timelines(england):
    move_pcn(england["F81001"], england["U3"], england["U1"], D(2025, 10, 1))

    [leaving] = events("QH8", kind="pcn_move")
    [arriving] = events("QAA", kind="pcn_move", date="2025-10-01")
    assert leaving == arriving
    assert leaving["from_system"]["code"] == "QH8" and leaving["to_system"]["code"] == "QAA"
    assert leaving["text"] == (
        "Basildon Surgery (F81001) moved from Essex PCN (U3) to North PCN (U1) "
        "(from NHS Mid and South Essex ICB (QH8) to NHS Alpha ICB (QAA))."
    )
    # From then on it is QAA's: NHS Essex never sees it arrive.
    assert events("D7T5G", organisation=ref(england["F81001"])) == []


def test_practices_opened_and_closed_on_their_days(england):
    [opened] = events("QAA", kind="opened", organisation=ref(england["P84003"]))
    [closed] = events("QAA", kind="closed")

    assert opened["date"] == "2025-06-02" and opened["parent"] == ref(england["U2"])
    assert opened["text"] == "New Surgery (P84003) opened in South PCN (U2) on 2 June 2025."
    # An ending takes effect the day after the last day, and belongs to the system of that last day.
    assert closed["date"] == "2025-10-01" and closed["last_day"] == "2025-09-30"
    assert closed["organisation"] == ref(england["P84002"]) and closed["parent"] == ref(england["U1"])
    assert closed["text"] == "Old Surgery (P84002) closed (in North PCN (U1)): its last day was 30 September 2025."


def test_an_icb_opening_counts_what_opened_with_it(england):
    [opened] = events("QAA", kind="opened", date="2022-07-01")

    assert opened["organisation"] == ref(england["QAA"])
    # P84003 opened later; P84002 had not yet closed.
    assert opened["includes"] == {"place": 1, "pcn": 2, "practice": 2, "board": 1}
    assert opened["text"] == "NHS Alpha ICB (QAA) opened on 1 July 2022, with 1 place, 2 PCNs, 2 practices and 1 board."


def test_a_succession_appears_for_the_closing_and_the_new_icb(england):
    old = events("QH8", date=MERGED.isoformat())
    new = events("D7T5G", date=MERGED.isoformat())

    succession = {
        "date": "2026-04-01",
        "kind": "succession",
        "text": "NHS Mid and South Essex ICB (QH8) closed; merged into NHS Essex ICB (D7T5G) on 1 April 2026.",
        "predecessor": ref(england["QH8"]),
        "successor": ref(england["D7T5G"]),
        "type": "merger",
    }
    assert old[0] == {**succession, "organisation": ref(england["QH8"])}
    assert new[0]["kind"] == "opened" and new[0]["organisation"] == ref(england["D7T5G"])
    assert new[0]["includes"] == {"board": 1}
    assert new[0]["text"] == "NHS Essex ICB (D7T5G) opened on 1 April 2026, with 1 board."
    assert new[1] == {**succession, "organisation": ref(england["D7T5G"])}
    # The place leaves one and joins the other, its PCN and practice with it; the closing ICB
    # is not told twice (its succession says it closed).
    [left] = [e for e in old if e["kind"] == "left"]
    [joined] = [e for e in new if e["kind"] == "joined"]
    assert [e["kind"] for e in old] == ["succession", "left"]
    assert left["organisation"] == joined["organisation"] == ref(england["99E"])
    assert left["to_system"]["code"] == "D7T5G" and joined["from_system"]["code"] == "QH8"
    assert left["includes"] == joined["includes"] == {"pcn": 1, "practice": 1}
    assert joined["text"] == (
        "South Essex place (99E) joined the system from NHS Mid and South Essex ICB (QH8), with 1 PCN and 1 practice."
    )


def test_a_divided_icb_s_pcn_joins_a_new_place_of_its_successor(england):
    """Frimley's way: its sub-ICB location closes, a new one opens in the acquiring ICB, the PCN moves there."""
    frimley = ods("QNQ", "icb", name="NHS Frimley ICB", opened=D(2022, 7, 1), closed=D(2026, 3, 31))
    hiow = ods("QRL", "icb", name="NHS Hampshire and Isle of Wight ICB", opened=D(2022, 7, 1))
    old_place = linked_place("D4U1Y", frimley, "Frimley place")
    old_place.closed = D(2026, 3, 31)
    old_place.save()
    new_place = linked_place("D9Y0V", hiow, "North East Hampshire", start=MERGED)
    new_place.opened = MERGED
    new_place.save()
    network = linked_pcn("U5", old_place, "Farnborough PCN")
    network.links_up.update(end=MERGED - timelines.ONE_DAY)
    link(network, new_place, Relation.PCN_SUB_ICB, start=MERGED)
    linked_practice("H81001", network, "Farnborough Surgery")
    succession(frimley, hiow, MERGED, "acquisition")

    arrived = events("QRL", date=MERGED.isoformat())
    assert [(e["kind"], e["organisation"]["code"]) for e in arrived] == [
        ("opened", "D9Y0V"),
        ("succession", "QRL"),
        ("joined", "U5"),
    ]
    assert arrived[1]["text"] == (
        "NHS Hampshire and Isle of Wight ICB (QRL) took over part of NHS Frimley ICB (QNQ) "
        "on 1 April 2026 (acquisition)."
    )
    # The PCN came from another system: it is told, not counted in its new place's opening.
    assert arrived[0]["includes"] == {}
    assert arrived[2]["includes"] == {"practice": 1} and arrived[2]["from_system"]["code"] == "QNQ"
    assert arrived[2]["text"] == (
        "Farnborough PCN (U5) joined the system from NHS Frimley ICB (QNQ): it moved from Frimley place (D4U1Y) "
        "to North East Hampshire (D9Y0V), with 1 practice."
    )
    gone = events("QNQ", date=MERGED.isoformat())
    assert [(e["kind"], e["organisation"]["code"]) for e in gone] == [
        ("succession", "QNQ"),
        ("closed", "D4U1Y"),
        ("left", "U5"),
    ]
    assert gone[2]["to_system"]["code"] == "QRL"


def test_appointments_started_and_ended_on_the_systems_bodies(england):
    ended = events("QAA", kind="appointment_ended")
    started = events("QAA", kind="appointment_started")

    assert [(e["date"], e["person"]["name"]) for e in started] == [
        ("2023-04-01", "Holder One"),
        ("2025-07-01", "Holder Two"),
    ]
    [left] = ended
    assert left["date"] == "2025-06-01" and left["last_day"] == "2025-05-31" and left["vacant"] is True
    assert left["organisation"]["code"] == "qaa-board"
    assert left["seat"] == {"id": england["chair"].pk, "label": "Chair"}
    assert left["text"] == (
        "Holder One left the seat “Chair” on Alpha board (qaa-board): their last day was 31 May 2025. "
        "The seat is vacant."
    )
    assert events("QH8", kind="appointment_started") == []  # another system's bodies


def test_a_seat_taken_over_the_next_day_is_not_vacant_and_the_leaver_comes_first(england):
    appoint(england["chair"], "Holder Three", D(2025, 6, 1), D(2025, 6, 30))

    day = events("QAA", date="2025-06-01")
    assert [(e["kind"], e["person"]["name"]) for e in day] == [
        ("appointment_ended", "Holder One"),
        ("appointment_started", "Holder Three"),
    ]
    assert day[0]["vacant"] is False and not day[0]["text"].endswith("vacant.")


def test_a_practice_leaves_its_pcn_when_the_pcn_closes(england):
    closing = linked_pcn("U9", england["00A"], "Closing PCN")
    closing.closed = D(2025, 12, 31)
    closing.save()
    member = linked_practice("P84009", closing, "Orphan Surgery")

    day = events("QAA", date="2026-01-01")
    assert [(e["kind"], e["organisation"]["code"]) for e in day] == [("closed", "U9"), ("pcn_left", "P84009")]
    assert day[1]["from"] == ref(closing) and day[1]["to"] == ref(england["00A"])
    assert day[1]["text"] == "Orphan Surgery (P84009) left Closing PCN (U9); it sits in Alpha place (00A) directly."
    assert member.pk  # still open, still in the system


def test_a_pcn_closing_with_its_last_practice_is_one_event(england):
    closing = linked_pcn("U8", england["00A"], "Last PCN")
    linked_practice("P84008", closing, "Last Surgery", closed=D(2025, 12, 31))
    closing.closed = D(2025, 12, 31)
    closing.save()

    [closed] = events("QAA", date="2026-01-01")
    assert closed["organisation"] == ref(closing) and closed["includes"] == {"practice": 1}
    assert closed["text"] == (
        "Last PCN (U8) closed (in Alpha place (00A)): its last day was 31 December 2025, with 1 practice."
    )


def test_a_pcn_moving_place_within_the_system(england):
    beta = linked_place("00B", england["QAA"], "Beta place")
    network = england["U2"]
    network.links_up.filter(relation=Relation.PCN_SUB_ICB).update(end=D(2025, 12, 31))
    link(network, beta, Relation.PCN_SUB_ICB, start=D(2026, 1, 1))

    [moved] = events("QAA", kind="moved")
    assert moved["date"] == "2026-01-01" and moved["from"] == ref(england["00A"]) and moved["to"] == ref(beta)
    assert moved["text"] == "South PCN (U2) moved from Alpha place (00A) to Beta place (00B)."


def test_events_are_in_date_order_and_only_those_of_the_period(england):
    everything = events("QAA")
    assert [e["date"] for e in everything] == sorted(e["date"] for e in everything)

    # Both ends are included; an ending on the last day takes effect after it.
    assert events("QAA", D(2025, 4, 1), D(2025, 5, 31), kind="pcn_move") != []
    assert events("QAA", D(2025, 4, 2), D(2025, 5, 31)) == []
    assert events("QAA", D(2025, 1, 1), D(2025, 3, 31), kind="pcn_move") == []
    assert events("QAA", D(2025, 6, 1), D(2025, 6, 1), kind="appointment_ended") != []
    assert events("QAA", D(2025, 5, 1), D(2025, 5, 31), kind="appointment_ended") == []
    answer = timeline("QAA", D(2025, 6, 1), D(2025, 6, 30))
    assert answer["from"] == "2025-06-01" and answer["to"] == "2025-06-30"
    assert answer["count"] == 2 and answer["counts"] == {"opened": 1, "appointment_ended": 1}


def test_what_moves_with_a_unit_is_said_in_words_for_every_kind():
    assert set(KIND_NOUNS) == set(Kind.values)


def test_an_unknown_system_or_a_unit_is_refused(england):
    for code in ("NOPE", "00A", "P84001", england["00A"].pk):
        with pytest.raises(UnknownSystem):
            timeline(code, D(2025, 1, 1), D(2025, 12, 31))


def test_the_period_defaults_to_the_twelve_months_to_today():
    today = D(2026, 12, 2)

    assert period(None, None, today) == (D(2025, 12, 3), today)
    assert period("", " 2026-03-31 ", today) == (D(2025, 4, 1), D(2026, 3, 31))
    assert period("2024-02-29", None, today) == (D(2024, 2, 29), today)
    assert period(None, "2024-02-29", today) == (D(2023, 3, 1), D(2024, 2, 29))
    assert period(None, "1949-06-01", today) == (D(1948, 6, 2), D(1949, 6, 1))  # twelve months, whatever the range
    for far in ("0001-06-01", "1948-07-04", "2101-01-01"):  # the dates the domain believes, as every as-of date
        with pytest.raises(BadPeriod, match="outside the dates icsmap holds"):
            period(far, None, today)
    with pytest.raises(BadPeriod) as backwards:
        period("2026-05-01", "2026-04-01", today)
    assert backwards.value.parameter == "from"
    for bad in BAD_DATES:
        with pytest.raises(BadPeriod) as error:
            period(None, bad, today)
        assert error.value.parameter == "to" and str(error.value) == f"'{bad}' is not a date in the form YYYY-MM-DD."


# --- the page and the API ---------------------------------------------------------------------------


def page(client, code="QAA", **query):
    return client.get(reverse("governance:timeline", args=[code]), query)


def test_the_page_groups_the_timeline_by_month(client, england):
    response = page(client, **{"from": "2025-04-01", "to": "2025-07-31"})

    assert response.status_code == 200
    shown = response.content.decode()
    assert [month["month"] for month in response.context["months"]] == ["April 2025", "June 2025", "July 2025"]
    assert "Moving Surgery (P84001) moved from North PCN (U1) to South PCN (U2)." in shown
    assert "From 1 April 2025 to 31 July 2025" in shown
    assert 'href="/organisations/P84001/?date=2025-04-01"' in shown
    # A departure links to the organisation on its last day.
    assert 'href="/organisations/qaa-board/?date=2025-05-31"' in shown


def test_the_page_defaults_to_the_last_twelve_months(client, england):
    response = page(client)

    start, end = period(None, None)
    assert (response.context["start"], response.context["end"]) == (start, end)
    assert response.context["fields"][0]["value"] == start.isoformat()


def test_page_and_api_agree(client, api_client, england):
    query = {"from": "2022-01-01", "to": "2026-12-31"}
    for code in ("QAA", "QH8", "D7T5G"):
        shown = page(client, code, **query).context["timeline"]
        answered = api_client.get(f"{API}/systems/{code}/timeline/", query)

        assert answered.status_code == 200
        assert answered.json() == shown == timeline(code, D(2022, 1, 1), D(2026, 12, 31))


def test_the_system_page_links_its_timeline(client, england):
    shown = client.get(reverse("governance:organisation", args=["QAA"])).content.decode()

    assert f'href="{reverse("governance:timeline", args=["QAA"])}"' in shown


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2025-02-30"}, "from", "'2025-02-30' is not a date in the form YYYY-MM-DD."),
        ({"to": "soon"}, "to", "'soon' is not a date in the form YYYY-MM-DD."),
        (
            {"from": "2026-05-01", "to": "2026-04-01"},
            "from",
            "The period starts (2026-05-01) after it ends (2026-04-01)",
        ),
    ],
)
def test_bad_dates_are_a_400_page_and_a_400_naming_the_parameter(client, api_client, england, query, field, message):
    shown = page(client, **query)
    answered = api_client.get(f"{API}/systems/QAA/timeline/", query)

    assert shown.status_code == 400 and message in html.unescape(shown.content.decode())
    assert f'id="timeline-{field}-error"' in shown.content.decode()
    assert answered.status_code == 400
    assert list(answered.json()) == [field] and answered.json()[field][0].startswith(message)


@pytest.mark.parametrize("code", ["NOPE", "00A", "P84001", "%00"])
def test_an_unknown_system_is_a_404(client, api_client, england, code):
    assert client.get(f"/systems/{code}/timeline/").status_code == 404
    answered = api_client.get(f"{API}/systems/{code}/timeline/")
    assert answered.status_code == 404 and "detail" in answered.json()


def test_the_api_answer_carries_an_etag_and_revalidates(api_client, england, django_assert_max_num_queries):
    commit_now()
    first = api_client.get(f"{API}/systems/QAA/timeline/", {"from": "2025-01-01", "to": "2025-12-31"})
    assert first["ETag"].startswith(f'"{versioning.current().key}-')

    with django_assert_max_num_queries(1):
        again = api_client.get(
            f"{API}/systems/QAA/timeline/?from=2025-01-01&to=2025-12-31", headers={"if-none-match": first["ETag"]}
        )
    assert again.status_code == 304


def test_the_schema_documents_the_timeline(api_client):
    schema = api_client.get("/api/schema/?format=json").json()

    operation = schema["paths"]["/api/v1/systems/{code}/timeline/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"code", "from", "to"}
    assert {"200", "400", "404"} <= set(operation["responses"])
    changes = schema["paths"]["/api/v1/changes/"]["get"]["description"]
    assert "timeline" in changes


def grow(system, networks: int, practices: int) -> None:
    """``networks`` more PCNs in a new place of ``system``, each practice moving PCN in 2025 and one seat per PCN."""
    area = linked_place(f"{system.code}X", system, "Grown place")
    board = org(f"{system.code.lower()}-grown-board", "board", system)
    made = [linked_pcn(f"U{system.code}{n}", area, f"Grown PCN {n}") for n in range(networks)]
    for n, network in enumerate(made):
        appoint(seat(board, f"PCN {n} member", represents=network), f"Holder {n}", D(2025, 2, 1), D(2025, 8, 31))
        for k in range(practices):
            unit = linked_practice(f"P{system.code}{n}{k}", network, f"Grown Surgery {n}-{k}")
            move_pcn(unit, network, made[(n + 1) % networks], D(2025, 3, 1 + k))


@pytest.mark.parametrize("size", [(2, 1), (6, 8)])
def test_the_queries_are_as_few_whatever_the_size(api_client, england, django_assert_max_num_queries, size):
    grow(england["QAA"], *size)
    commit_now()

    # The data version, England's structure (organisations, links, names, seats, appointments), the
    # successions and the seats added.
    with django_assert_max_num_queries(8):
        answered = api_client.get(f"{API}/systems/QAA/timeline/", {"from": "2025-01-01", "to": "2025-12-31"})
    assert answered.json()["counts"]["pcn_move"] == 1 + size[0] * size[1]
    # The structure, successions and seats are kept for this data version: the version (reread at most twice a second).
    with django_assert_max_num_queries(1):
        assert api_client.get(f"{API}/systems/QAA/timeline/", {"from": "2024-01-01"}).status_code == 200
