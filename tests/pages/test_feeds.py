"""Atom feeds of what changed (issue 15): per system and for everything, each change on the day it took effect."""

import xml.etree.ElementTree as ET

import pytest

from governance import governance_file as loading
from governance.governance_file.scaffold import scaffold_governance
from governance.models import Organisation
from governance.reading.changes import recent_changes
from tests.builders import ILLUSTRATIVE_QOP, D, appoint, org, seat

pytestmark = pytest.mark.django_db

DEMO = ILLUSTRATIVE_QOP
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def demo():
    loading.load_governance([DEMO])


def atom(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{element}") is not None, element
    return feed


def entries(feed: ET.Element) -> list[dict]:
    found = []
    for entry in feed.findall(f"{ATOM}entry"):
        row = {name: entry.findtext(f"{ATOM}{name}") for name in ("id", "title", "updated", "summary")}
        assert all(row[name] for name in ("id", "title", "updated")), row  # Atom's required elements
        row["link"] = entry.find(f"{ATOM}link").get("href")
        found.append(row)
    return found


def test_system_feed_is_atom_and_lists_a_vacancy_with_its_date(client, demo):
    feed = atom(client, "/organisations/QOP/feed/")
    rows = entries(feed)

    vacancy = next(r for r in rows if r["title"] == "Seat vacant: Oldham locality representative, "
                   "Greater Manchester General Practice Board")  # fmt: skip
    assert vacancy["updated"].startswith("2025-10-01")  # held until 30 September 2025
    assert vacancy["link"].endswith("/organisations/qop-gp-board/?date=2025-10-01")
    # Its summary is the timeline's sentence (governance.reading.events), the date in words without a 0.
    assert vacancy["summary"].endswith(": their last day was 30 September 2025. The seat is vacant.")
    assert len({r["id"] for r in rows}) == len(rows)  # ids are unique
    assert any(r["title"].startswith("Illustrative Bolton GP Lead B appointed") for r in rows)
    assert [r["updated"] for r in rows] == sorted((r["updated"] for r in rows), reverse=True)  # newest first


def test_the_everything_feed_covers_every_system(client, demo):
    other = org("QAA", "icb", name="System A ICB")
    board = org("qaa-board", "board", other, name="System A board")
    appoint(seat(board, "Member"), "Illustrative Member", D(2026, 1, 5), end=D(2026, 2, 1))

    titles = [r["title"] for r in entries(atom(client, "/feed/"))]
    assert "Seat vacant: Member, System A board" in titles
    assert any("Greater Manchester" in t for t in titles)
    assert "Seat vacant: Member, System A board" not in [
        r["title"] for r in entries(atom(client, "/organisations/QOP/feed/"))
    ]


def test_a_seat_refilled_the_next_day_is_not_vacant(demo):
    board = org("qaa-board", "board", org("QAA", "icb"))
    member = seat(board, "Member")
    appoint(member, "Illustrative First", D(2024, 1, 1), end=D(2024, 12, 31))
    appoint(member, "Illustrative Second", D(2025, 1, 1))

    kinds = [(c.kind, c.date) for c in recent_changes(board.parent_id, until=D(2026, 1, 1))]
    assert ("appointment_ended", D(2025, 1, 1)) in kinds and ("appointment_started", D(2025, 1, 1)) in kinds
    assert "vacant" not in [kind for kind, _ in kinds]


def test_structure_changes_and_new_seats_are_listed(demo):
    icb = org("QAA", "icb")
    org("P1", "practice", org("00A", "place", icb), opened=D(2023, 4, 1), closed=D(2025, 6, 30))
    seat(org("qaa-board", "board", icb), "Chair", role="chair", selection="appointed")

    kinds = {(c.kind, c.date, c.organisation) for c in recent_changes(icb.pk)}
    assert ("opened", D(2023, 4, 1), "P1") in kinds
    assert ("closed", D(2025, 7, 1), "P1") in kinds  # the first day without it
    assert "seat_added" in {kind for kind, _, _ in kinds}


def test_feed_queries_are_bounded(client, demo, django_assert_max_num_queries):
    # the data version, the system, six for the changes; England's structure in five (once per data version)
    with django_assert_max_num_queries(13):
        client.get("/organisations/QOP/feed/")


def test_only_a_system_has_a_feed(client, demo):
    assert client.get("/organisations/qop-board/feed/").status_code == 404
    assert client.get("/organisations/NOPE/feed/").status_code == 404


def test_system_page_links_its_feed(client, demo):
    html = client.get("/organisations/QOP/").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert 'href="/organisations/QOP/feed/"' in html


def test_a_feed_names_its_author_and_its_ids_are_tags_not_the_host(client, demo):
    for url, feed_id in (("/feed/", "tag:icsmap,2026:feed"), ("/organisations/QOP/feed/", "tag:icsmap,2026:feed/QOP")):
        feed = atom(client, url)
        assert feed.findtext(f"{ATOM}author/{ATOM}name") == "icsmap"  # RFC 4287: the feed's author covers each entry
        assert feed.findtext(f"{ATOM}id") == feed_id
        ids = [row["id"] for row in entries(feed)]
        assert ids and all(i.startswith("tag:icsmap,2026:") for i in ids)


def test_entry_ids_do_not_change_with_the_host(client, demo, settings):
    settings.ALLOWED_HOSTS = ["*"]
    here = [row["id"] for row in entries(atom(client, "/organisations/QOP/feed/"))]
    response = client.get("/organisations/QOP/feed/", HTTP_HOST="mirror.example.org")
    there = [row["id"] for row in entries(ET.fromstring(response.content))]
    assert here == there


def test_the_set_up_scaffold_writes_no_entries():
    icb = org("QAA", "icb", name="System A ICB", opened=D(2022, 7, 1))
    scaffold_governance(["QAA"])

    kinds = [(c.kind, c.date) for c in recent_changes(icb.pk)]
    assert "seat_added" not in {kind for kind, _ in kinds}  # the statutory seats are as old as the board
    assert all(day <= D(2022, 7, 1) for kind, day in kinds), kinds  # only the board and ICP opening, on their day


def test_a_new_seat_on_a_scaffolded_board_is_news():
    icb = org("QAA", "icb", name="System A ICB", opened=D(2022, 7, 1))
    scaffold_governance(["QAA"])
    seat(Organisation.objects.get(code="qaa-board"), "Associate member (carers)")

    created = [c for c in recent_changes(icb.pk) if c.kind == "seat_added"]
    assert [c.title for c in created] == ["New seat: Associate member (carers), NHS System A ICB ICB Board"]


def test_a_reader_revalidating_an_unchanged_feed_gets_304(client, demo):
    first = client.get("/organisations/QOP/feed/")
    assert first["ETag"] and first["Last-Modified"]

    by_tag = client.get("/organisations/QOP/feed/", HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = client.get("/organisations/QOP/feed/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert (by_tag.status_code, by_date.status_code) == (304, 304)
    assert by_tag.content == b""


def test_entry_ids_are_those_the_feeds_have_always_given(client):
    """Ids made from the rows as before the feeds read the timeline's events: a reader shows nothing again."""
    icb = org("QAA", "icb", name="System A ICB")
    practice = org("P1", "practice", org("00A", "place", icb), opened=D(2024, 4, 1), closed=D(2025, 6, 30))
    board = org("qaa-board", "board", icb, name="System A board")
    member = seat(board, "Member")
    held = appoint(member, "Illustrative Member", D(2026, 1, 5), end=D(2026, 2, 1))
    added = seat(board, "Associate member")

    ids = {row["id"] for row in entries(atom(client, "/organisations/QAA/feed/"))}
    assert {
        f"tag:icsmap,2026:appointment-{held.pk}-start",
        f"tag:icsmap,2026:appointment-{held.pk}-end",
        f"tag:icsmap,2026:seat-{member.pk}-vacant-2026-02-02",
        f"tag:icsmap,2026:seat-{added.pk}-created",
        f"tag:icsmap,2026:organisation-{practice.pk}-opened",
        f"tag:icsmap,2026:organisation-{practice.pk}-closed",
    } <= ids


@pytest.mark.parametrize("size", [1, 40])
def test_a_feeds_queries_do_not_grow_with_its_changes(client, demo, django_assert_max_num_queries, size):
    board = Organisation.objects.get(code="qop-gp-board")
    for n in range(size):
        appoint(seat(board, f"Grown seat {n}"), f"Illustrative Holder {n}", D(2025, 1, 1 + n % 28), end=D(2025, 3, 1))

    # The data version, the system, the successions, the seats added and the appointments' ids;
    # England's structure in five (once per data version).
    with django_assert_max_num_queries(10):
        feed = atom(client, "/organisations/QOP/feed/")
    assert len(entries(feed)) == 50
