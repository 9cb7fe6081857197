"""Published governance on the pages, the feeds and the API (DESIGN.md, "Facts seen on a date", "Sourced
governance"): holders in post on the day a source shows them, two sources that disagree, ICB clusters, and
the composition's basis in words."""

import re

import pytest
from rest_framework.test import APIClient

from governance.models import Person
from tests.builders import API, SOURCED_SYSTEM, load_text

pytestmark = pytest.mark.django_db

OTHER_SYSTEM = """\
system:
  code: QOT
  name: NHS Other Integrated Care Board
  source: https://example.org/qot/board
  verified: 2026-02-01
  clusters:
    - {name: "Sourced and Other cluster", from: 2025-07-01, source: https://example.org/clusters}
top_board: qot-board
organisations:
  - {code: qot-board, name: NHS Other ICB Board, kind: board, parent: QOT}
seats: []
"""


@pytest.fixture
def sourced(tmp_path):
    load_text(tmp_path, SOURCED_SYSTEM, "qss.yaml")
    load_text(tmp_path, OTHER_SYSTEM, "qot.yaml")


def words(client, url: str, **params) -> str:
    """The page's text, tags dropped and spaces collapsed."""
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def test_a_board_page_says_who_is_in_post_on_the_day_a_source_shows_them_and_links_the_source(client, sourced):
    html = client.get("/organisations/qss-board/", {"date": "2026-03-12"}).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())

    assert "Published Chair Two in post on 12 March 2026, according to https://example.org/qss/board-2026" in text
    assert '<a href="https://example.org/qss/board-2026" rel="noopener noreferrer">' in html
    assert "Published Chair One" not in text.split("Sources disagree")[0]


def test_before_the_first_day_a_source_saw_a_holder_the_page_says_not_recorded(client, sourced):
    before = words(client, "/organisations/qss-board/", date="2025-01-09")
    later = words(client, "/organisations/qss-board/", date="2025-06-01")

    assert "Published Chair One" not in before and "Not recorded" in before
    assert "Published Chair One in post on 10 January 2025, according to https://example.org/qss/board-2025" in later


def test_two_sources_that_disagree_are_both_shown_with_their_days(client, sourced):
    text = words(client, "/organisations/qss-board/", date="2026-04-01")

    assert (
        "Sources disagree: https://example.org/qss/board-2026 names Published Place Member (seen 12 March 2026); "
        "https://example.org/news/place names Other Place Member (seen 2 November 2025)."
    ) in text


def test_the_system_page_names_its_cluster_and_links_the_other_icbs(client, sourced):
    html = client.get("/organisations/QSS/", {"date": "2026-01-01"}).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    other = words(client, "/organisations/QOT/", date="2026-01-01")

    assert "In the Sourced and Other cluster as seen on 1 September 2025, with NHS Other Integrated Care Board" in text
    assert '<a href="https://example.org/clusters" rel="noopener noreferrer">' in html
    assert '<a href="/organisations/QOT/?date=2026-01-01">NHS Other Integrated Care Board</a>' in html  # the date kept
    assert "In the Sourced and Other cluster since 1 July 2025, with NHS Sourced Integrated Care Board" in other
    assert "cluster" not in words(client, "/organisations/QSS/", date="2025-08-31").lower().split("voice")[0]


def test_the_composition_table_says_each_requirements_basis_in_words(client, sourced):
    text = words(client, "/organisations/QSS/", date="2026-04-01")

    assert "A chair by the Act 1 1 0 0 Met" in text
    assert "A director of finance by NHS England policy 0 0 0 0 Missing" in text
    assert "A member with knowledge and experience of services for people with mental illness by the Act" in text
    assert "by the Health and Care Act 2022, checked" not in text


def test_the_api_gives_clusters_the_composition_basis_and_holders_seen(sourced):
    client = APIClient()
    detail = client.get(f"{API}/organisations/QSS/", {"date": "2026-01-01"}).json()
    composition = client.get(f"{API}/systems/QSS/composition/", {"date": "2026-04-01"}).json()
    path = client.get(f"{API}/organisations/P00S01/path/", {"date": "2026-04-01"}).json()

    assert detail["clusters"] == [
        {
            "name": "Sourced and Other cluster",
            "from": None,
            "seen": "2025-09-01",
            "to": None,
            "source": "https://example.org/clusters",
            "others": [{"code": "QOT", "name": "NHS Other Integrated Care Board"}],
        }
    ]
    assert {r["requirement"]: r["basis"] for r in composition["requirements"]}["mental_health"] == "act"
    assert {r["requirement"]: r["status"] for r in composition["requirements"]}["mental_health"] == "met"
    assert path["layers"][-1]["seat"]["holders"][0] | {"person_id": 0} == {
        "name": "Published Place Member",
        "person_id": 0,
        "from": None,
        "to": None,
        "seen": "2026-03-12",
        "source": "https://example.org/qss/board-2026",
        "acting": False,
    }


def test_a_person_page_says_in_post_on_the_day_seen_and_not_recorded_before(client, sourced):
    chair = Person.objects.get(name="Published Chair Two")

    text = words(client, f"/people/{chair.pk}/", date="2026-01-01")

    assert "in post on 12 March 2026 (since when is not published)" in text and "Not recorded" in text


def test_the_feed_and_timeline_say_in_post_not_appointed_for_a_holder_known_only_by_seen(client, sourced):
    feed = client.get("/organisations/QSS/feed/").content.decode()
    timeline = words(client, "/systems/QSS/timeline/", **{"from": "2026-03-01", "to": "2026-03-31"})

    assert "Published Chair Two in post: Chair, NHS Sourced ICB Board" in feed
    assert "Published Chair Two appointed" not in feed
    assert "Published Chair One left" not in feed  # the end is inferred from the later source, not published
    assert (
        "Published Chair Two is in post in the seat “Chair” on NHS Sourced ICB Board (qss-board) on 12 March 2026"
        in timeline
    )
    assert "took the seat" not in timeline


ACTING_PLACE_MEMBER = SOURCED_SYSTEM.replace(
    "{name: Published Place Member, seen: 2026-03-12, source: https://example.org/qss/board-2026}",
    "{name: Published Place Member, seen: 2026-03-12, source: https://example.org/qss/board-2026, acting: true}",
)


@pytest.fixture
def acting(tmp_path):
    assert ACTING_PLACE_MEMBER != SOURCED_SYSTEM
    load_text(tmp_path, ACTING_PLACE_MEMBER, "qss.yaml")
    return Person.objects.get(name="Published Place Member")


def test_the_pages_say_a_holder_named_acting_is_acting_never_plainly_in_post(client, acting):
    board = words(client, "/organisations/qss-board/", date="2026-04-01")
    practice = words(client, "/organisations/P00S01/", date="2026-04-01")
    person = words(client, f"/people/{acting.pk}/", date="2026-04-01")
    timeline = words(client, "/systems/QSS/timeline/", **{"from": "2026-03-01", "to": "2026-03-31"})

    assert "Published Place Member (acting)" in board and "Published Place Member (acting)" in practice
    assert "Sourced place member (acting)" in person
    assert "Published Place Member (acting) is in post in the seat “Sourced place member”" in timeline
    assert "Published Chair Two (acting)" not in board  # only the holder the source names acting


def test_the_api_and_the_path_json_say_acting(acting):
    client = APIClient()
    path = client.get(f"{API}/organisations/P00S01/path/", {"date": "2026-04-01"}).json()
    person = client.get(f"{API}/people/{acting.pk}/").json()
    chair = Person.objects.get(name="Published Chair Two")

    assert path["layers"][-1]["seat"]["holders"][0]["acting"] is True
    assert [a["acting"] for a in person["appointments"]] == [True]
    assert [a["acting"] for a in client.get(f"{API}/people/{chair.pk}/").json()["appointments"]] == [False]
    csv = client.get(f"{API}/organisations/P00S01/path/", {"date": "2026-04-01", "format": "csv"})
    assert "Published Place Member (acting)" in csv.content.decode()


def test_the_footer_says_where_holders_come_from_and_claims_no_demo(client, sourced):
    # The shipped data has no illustrative holders: a footer calling holders "demo" would be a guess shown as fact.
    text = words(client, "/")
    assert "demo holders" not in text
    assert "each holder with the page and date it was taken from" in text
