"""The API's feeds: a system's voice-of-general-practice summary, and the changes since a moment."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from governance.api import params
from governance.caching import versioning
from governance.domain import composition, history, tree
from governance.models import Organisation, Seat
from governance.reading import voice
from governance.reading.graph import SystemGraph
from tests import builders
from tests.builders import API, ON, D, appoint, commit_now, org, seat

pytestmark = pytest.mark.django_db

# Fixtures shared with the read tests (assigned, not imported, so that test arguments may name them).
client, gm = builders.api_client, builders.api_system


def summary(client, code="QOP", **query):
    return client.get(f"{API}/systems/{code}/summary/", query)


def changes(client, **query):
    return client.get(f"{API}/changes/", query)


# systems/<code>/summary/ --------------------------------------------------------------------------


def test_summary_is_exactly_what_the_system_page_shows(client, gm):
    response = summary(client, date=ON)

    assert response.status_code == 200
    assert response.json() == voice.system_summary("QOP", D(2026, 11, 22))
    body = response.json()
    assert body["system"] == {"code": "QOP", "name": "NHS Greater Manchester ICB"}
    assert body["date"] == ON and body["top_board"]["code"] == "qop-board"
    assert body["practices"]["total"] == 1 and body["practices"]["reaching_top"] == 1


def test_summary_defaults_to_today_and_follows_the_date(client, gm):
    assert summary(client).json()["date"] == timezone.localdate().isoformat()
    # Before 2025-01-31 the closed practice was open: two practices then.
    assert summary(client, date="2024-06-01").json()["practices"]["total"] == 2


def test_summary_of_a_system_without_governance(client, gm):
    body = summary(client, "QAA", date=ON).json()

    assert body["governance_recorded"] is False and body["top_board"] is None
    assert body == voice.system_summary("QAA", D(2026, 11, 22))


@pytest.mark.parametrize("code", ["NOPE", "00T", "P00001", "%00"])
def test_unknown_system_is_a_json_404(client, gm, code):
    response = summary(client, code, date=ON)

    assert response.status_code == 404
    assert "detail" in response.json()


@pytest.mark.parametrize("date", ["2023-02-30", "soon", "20260101"])
def test_summary_bad_date_is_a_400_naming_it(client, gm, date):
    response = summary(client, date=date)

    assert response.status_code == 400
    assert response.json() == {"date": [f"'{date}' is not a date in the form YYYY-MM-DD."]}


def grow(system: Organisation, places: int, pcns: int, practices: int) -> None:
    """Add places, each with PCNs of practices, and a board seat per place."""
    board = org(f"{system.code.lower()}-big-board", "board", system)
    for p in range(places):
        place = org(f"{system.code}{p:02d}", "place", system)
        seat(board, f"Place {p} member", represents=place)
        for n in range(pcns):
            pcn = org(f"U{system.code}{p:02d}{n}", "pcn", place)
            for k in range(practices):
                org(f"P{system.code}{p:02d}{n}{k}", "practice", pcn)


def test_summary_queries_are_bounded_whatever_the_size(client, gm, django_assert_max_num_queries):
    grow(gm["icb"], places=4, pcns=3, practices=4)  # 48 more practices in QOP
    assert Organisation.objects.filter(tree_id=gm["icb"].tree_id).count() > 70

    for code in ("QAA", "QOP"):
        # The data version, the root, England's structure (organisations, links, seats, appointments, names:
        # a fixed number, whatever the size), and the PCNs' registered patients.
        with django_assert_max_num_queries(8):
            assert summary(client, code, date=ON).status_code == 200
        with django_assert_max_num_queries(2):  # the graph is cached for this data version
            assert summary(client, code, date=ON).status_code == 200


def test_summary_revalidates_to_304(client, gm, django_assert_max_num_queries):
    commit_now()
    first = summary(client, date=ON)
    assert first["ETag"].startswith(f'"{versioning.current().key}-')

    with django_assert_max_num_queries(1):
        again = client.get(f"{API}/systems/QOP/summary/?date={ON}", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""


def test_summary_follows_a_write(client, gm):
    commit_now()
    before = summary(client, date=ON)
    appoint(Seat.objects.get(label="Primary care board representative"), "New Holder", D(2024, 1, 1))
    commit_now()

    after = client.get(f"{API}/systems/QOP/summary/?date={ON}", headers={"if-none-match": before["ETag"]})
    assert after.status_code == 200
    assert after.json()["vacant_seats"] == before.json()["vacant_seats"] - 1
    assert after.json() == voice.summarise(SystemGraph.load(gm["icb"].pk, D(2026, 11, 22)))


# systems/<code>/composition/ ----------------------------------------------------------------------


def composition_of(client, code="QOP", **query):
    return client.get(f"{API}/systems/{code}/composition/", query)


def test_composition_is_the_domain_check_with_etag_and_bounded_queries(client, gm, django_assert_max_num_queries):
    grow(gm["icb"], places=3, pcns=2, practices=3)
    commit_now()
    with django_assert_max_num_queries(7):  # the data version, the root, the structure (5): whatever the size
        first = composition_of(client, date=ON)

    assert first.status_code == 200
    assert first.json() == composition.composition(SystemGraph.load(gm["icb"].pk, D(2026, 11, 22)))
    body = first.json()
    assert set(body) == {"system", "date", "board", "requirements", "met"}
    assert len(body["requirements"]) == 10 and body["met"] is False  # only a chair and a partner member
    assert first["ETag"].startswith(f'"{versioning.current().key}-')
    with django_assert_max_num_queries(1):
        again = client.get(f"{API}/systems/QOP/composition/?date={ON}", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304


def test_composition_errors_are_like_the_summarys(client, gm):
    assert composition_of(client, "NOPE", date=ON).status_code == 404
    assert composition_of(client, "00T", date=ON).status_code == 404
    bad = composition_of(client, date="2023-02-30")
    assert bad.status_code == 400 and bad.json() == {"date": ["'2023-02-30' is not a date in the form YYYY-MM-DD."]}
    assert composition_of(client, "QAA", date=ON).json()["requirements"] == []  # no top board: nothing to check


# changes/?since= ----------------------------------------------------------------------------------


def edits(gm) -> None:
    """Create, change and delete organisations, seats and appointments through their usual saves."""
    leaf = org("00Z", "place", gm["icb"], name="Zulu")  # created
    tree.update_organisation(gm["pcn"], name="Bolton North PCN")  # changed
    new_seat = seat(gm["gp"], "Zulu locality representative", represents=leaf)  # created
    new_seat.voting = False
    new_seat.save()  # changed
    holder = appoint(new_seat, "Illustrative Holder Z", D(2025, 4, 1))  # person and appointment created
    holder.end = D(2026, 3, 31)
    holder.save()  # changed
    holder.delete()  # deleted
    new_seat.delete()  # deleted
    tree.delete_organisation(leaf)  # deleted
    org("99Z", "place", gm["other"], name="Elsewhere too")  # another system


def test_changes_lists_created_changed_and_deleted_oldest_first(client, gm):
    since = timezone.now()
    edits(gm)

    response = changes(client, since=since.isoformat())

    assert response.status_code == 200
    body = response.json()
    appointment = {"board": "qop-gp-board", "label": "Zulu locality representative", "name": "Illustrative Holder Z"}
    assert [(c["model"], c["key"], c["change"]) for c in body["results"]] == [
        ("organisation", {"code": "00Z"}, "created"),
        ("organisation", {"code": "U00001"}, "changed"),
        ("seat", {"board": "qop-gp-board", "label": "Zulu locality representative"}, "created"),
        ("seat", {"board": "qop-gp-board", "label": "Zulu locality representative"}, "changed"),
        ("person", {"name": "Illustrative Holder Z"}, "created"),
        ("appointment", {**appointment, "from": "2025-04-01"}, "created"),
        ("appointment", {**appointment, "from": "2025-04-01"}, "changed"),
        ("appointment", {**appointment, "from": "2025-04-01"}, "deleted"),
        ("seat", {"board": "qop-gp-board", "label": "Zulu locality representative"}, "deleted"),
        ("organisation", {"code": "00Z"}, "deleted"),
        ("organisation", {"code": "99Z"}, "created"),
    ]
    assert body["results"] == history.changes_since(since)
    renamed = body["results"][1]
    assert renamed["changes"] == {"name": {"from": "Bolton Central PCN", "to": "Bolton North PCN"}}
    assert body["results"][6]["changes"] == {"end": {"from": None, "to": "2026-03-31"}}
    assert body["results"][0]["changes"]["parent"] == {"from": None, "to": "QOP"}
    assert body["count"] == 11 and body["truncated"] is False
    assert datetime.datetime.fromisoformat(body["since"]) == since
    assert body["until"] == body["results"][-1]["time"]


def test_changes_in_one_system(client, gm):
    since = timezone.now()
    edits(gm)

    qop = changes(client, since=since.isoformat(), system="QOP").json()
    qaa = changes(client, since=since.isoformat(), system="QAA").json()

    assert {c["model"] for c in qop["results"]} == {"organisation", "seat", "appointment"}  # people are shared
    assert ("organisation", {"code": "99Z"}) not in [(c["model"], c["key"]) for c in qop["results"]]
    assert qop["count"] == 9 and qop["results"] == history.changes_since(since, "QOP")
    assert [(c["key"], c["change"]) for c in qaa["results"]] == [({"code": "99Z"}, "created")]


def test_no_changes_since_now(client, gm):
    since = timezone.now()
    body = changes(client, since=since.isoformat()).json()

    assert body == {
        "since": since.isoformat(),
        "until": since.isoformat(),
        "count": 0,
        "truncated": False,
        "results": [],
    }


def test_a_limited_answer_is_truncated_and_continues_from_until(client, gm):
    since = timezone.now()
    edits(gm)
    everything = history.changes_since(since)

    seen, after, answers = [], since.isoformat(), 0
    while True:
        body = changes(client, since=after, limit=4).json()
        answers += 1
        assert body["count"] == len(body["results"]) <= 4
        seen += body["results"]
        assert body["until"] == (body["results"][-1]["time"] if body["results"] else after)
        after = body["until"]
        if not body["truncated"]:
            break
    assert seen == everything and answers == 3  # 4 + 4 + 3


def test_the_default_limit_is_500(client, gm):
    since = timezone.now()
    edits(gm)
    assert changes(client, since=since.isoformat()).json()["count"] == 11
    assert changes(client, since=since.isoformat(), limit=11).json()["truncated"] is False
    assert changes(client, since=since.isoformat(), limit=10).json()["truncated"] is True
    assert changes(client, since=since.isoformat(), limit=5000).status_code == 200


def test_changes_of_one_instant_are_never_split(client, gm):
    since = timezone.now()
    practices = [org(f"P0010{n}", "practice", gm["pcn"]) for n in range(3)]  # three rows, three instants
    instant = timezone.now()
    history.record_bulk(practices, created=False, when=instant, reason=history.IMPORT_REASON)  # as an import does
    org("00Y", "place", gm["icb"])  # after the instant

    # A limit that falls inside the instant stops before it...
    first = changes(client, since=since.isoformat(), limit=4).json()
    assert [c["change"] for c in first["results"]] == ["created"] * 3 and first["truncated"] is True
    # ...and when the instant alone holds more than the limit, all of it comes at once.
    second = changes(client, since=first["until"], limit=2).json()
    assert [(c["key"]["code"], c["reason"]) for c in second["results"]] == [(p.code, "ODS import") for p in practices]
    assert second["until"] == instant.isoformat() and second["truncated"] is True
    third = changes(client, since=second["until"], limit=2).json()
    assert [c["key"] for c in third["results"]] == [{"code": "00Y"}] and third["truncated"] is False


def test_a_date_is_its_midnight_in_the_site_time_zone(client, gm):
    summer = changes(client, since="2026-07-01").json()
    assert summer["since"] == "2026-07-01T00:00:00+01:00"  # British Summer Time
    assert changes(client, since="2026-01-01").json()["since"] == "2026-01-01T00:00:00+00:00"

    edits(gm)
    today = changes(client, since=timezone.localdate().isoformat()).json()["results"]
    midnight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))
    assert today == history.changes_since(midnight) and len(today) > 11  # the fixture's rows too
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert changes(client, since=tomorrow).json()["count"] == 0


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("2026-07-01T09:30", "2026-07-01T09:30:00+01:00"),  # naive: the site's time zone
        ("2026-07-01 09:30:15", "2026-07-01T09:30:15+01:00"),
        ("2026-07-01T09:30:00Z", "2026-07-01T09:30:00+00:00"),
        ("2026-07-01T09:30:00.123456+02:00", "2026-07-01T09:30:00.123456+02:00"),
        ("2026-07-01T09:30:00 02:00", "2026-07-01T09:30:00+02:00"),  # an unescaped "+" arrives as a space
        ("2026-07-01T09:30:00-0500", "2026-07-01T09:30:00-05:00"),
    ],
)
def test_since_takes_iso_8601_times(client, gm, since, expected):
    response = changes(client, since=since)

    assert response.status_code == 200, response.json()
    assert response.json()["since"] == expected


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({}, "since"),
        ({"since": ""}, "since"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-02-30"}, "since"),
        ({"since": "20260101"}, "since"),
        ({"since": "2026-07-01T25:00"}, "since"),
        ({"since": "0001-01-01T00:00+05:00"}, "since"),  # before the first instant UTC can hold
        ({"since": "1948-07-04"}, "since"),  # before the dates the domain believes
        ({"since": "2101-01-01T00:00Z"}, "since"),
        ({"since": "2026-07-01", "system": "NOPE"}, "system"),
        ({"since": "2026-07-01", "system": "00T"}, "system"),  # a place, not a system
        ({"since": "2026-07-01", "system": "Q\x00"}, "system"),
        ({"since": "2026-07-01", "limit": "0"}, "limit"),
        ({"since": "2026-07-01", "limit": "5001"}, "limit"),
        ({"since": "2026-07-01", "limit": "ten"}, "limit"),
        ({"since": "2026-07-01", "limit": "-1"}, "limit"),
        ({"since": "2026-07-01", "limit": "99999999999999999999"}, "limit"),
    ],
)
def test_bad_parameters_are_400s_naming_them(client, gm, query, parameter):
    response = changes(client, **query)

    assert response.status_code == 400
    assert list(response.json()) == [parameter]


TAKEN = ["2026-07-01", "2026-07-01T09:30", "2026-07-01 09:30:15.5Z", "2026-07-01T09:30:00+01", "2026-07-01T09:30-0130",
         "1948-07-05T00:00+14:00", "2100-12-31T23:59:59.999999-23:59", "2024-02-29T00:00Z"]  # fmt: skip
REFUSED = ["1948-07-04", "2101-01-01T00:00", "2026-07-01T24:00", "2026-07-01T09:60", "2026-02-29", "2026-07-01T9:30",
           "2026-07-01T09:30+24:00", "2026-07-01T09:30:00.1234567", "2026-07-01T09:30z", "2026-07-01T09"]  # fmt: skip


@pytest.mark.parametrize("since", TAKEN + REFUSED)
def test_since_is_taken_exactly_when_the_schema_says_so(client, gm, since):
    # The OpenAPI schema gives `since` as a pattern (params.MOMENT_PATTERN); the parser must agree with it.
    response = changes(client, since=since)

    assert bool(re.fullmatch(params.MOMENT_PATTERN, since)) == (since in TAKEN)
    assert response.status_code == (200 if since in TAKEN else 400)


@pytest.mark.parametrize("system", [None, "QOP"])
def test_changes_queries_do_not_grow_with_the_number_of_changes(client, gm, system):
    query = {"system": system} if system else {}

    def count(n: int) -> tuple[int, int]:
        since = timezone.now()
        for i in range(n):
            place = org(f"0{n}{i}", "place", gm["icb"])  # one in n is renamed, and every fifth gets a seat
            if i % 5 == 0:
                appoint(seat(gm["gp"], f"Place {n}/{i} representative", represents=place), f"Holder {n}/{i}")
            if i % 3 == 0:
                tree.update_organisation(place, name=f"Renamed {n}/{i}")
        versioning.forget()  # each answer reads the data version afresh: like with like
        with CaptureQueriesContext(connection) as queries:
            body = changes(client, since=since.isoformat(), **query).json()
        return len(queries), body["count"]

    few, many = count(5), count(50)
    assert few[1] < 20 < many[1]
    assert many[0] == few[0] <= 14  # the data version, the system, the history
