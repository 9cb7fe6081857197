"""Routes told apart on the pages (DESIGN.md, "Routes"): practice, place and system pages, compare,
the home page's governance column, the pictures and the system feed say reaches, broken and not
recorded in words; a route nobody recorded is a neutral "No route recorded", never a red "Broken"."""

import re

import pytest
from django.urls import reverse

from governance.models import Organisation
from tests.builders import D, board_only, greater_manchester, org

pytestmark = pytest.mark.django_db

ON = "2026-06-01"
RED_TAG = "nhsuk-tag--red"


@pytest.fixture
def systems():
    """Greater Manchester with a recorded gap (Wigan, 02H), and Kent and Medway with its board only."""
    gm = greater_manchester(complete=True)
    org("P00021", "practice", org("U00021", "pcn", org("02H", "place", gm["icb"], name="Wigan"), name="Wigan PCN"))
    return {"gm": gm, "kent": board_only()}


def page(client, url: str, **params) -> str:
    response = client.get(url, {"date": ON, **params})
    assert response.status_code == 200, response.content.decode()[:1000]
    return response.content.decode()


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def organisation(client, code: str) -> str:
    return page(client, reverse("governance:organisation", args=[code]))


def test_a_practice_with_no_route_recorded_reads_neutral(client, systems):
    html = organisation(client, "G82001")
    words = text(html)

    assert "No route recorded" in words
    assert "No route from Medway Surgery to NHS Kent and Medway ICB Board is recorded." in words
    assert "this is not known to be a broken chain" in words
    assert "Broken chain" not in words and "Chain breaks here" not in words and RED_TAG not in html


def test_a_practice_whose_recorded_chain_breaks_reads_broken(client, systems):
    html = organisation(client, "P00021")

    assert "Broken chain" in text(html) and "Chain breaks here" in text(html) and RED_TAG in html
    assert "No route recorded" not in text(html)


def test_a_practice_that_reaches_reads_complete(client, systems):
    words = text(organisation(client, "P00001"))

    assert "Complete chain" in words and "No route recorded" not in words and "Broken chain" not in words


def test_a_place_with_no_route_recorded_reads_neutral(client, systems):
    html = organisation(client, "91Q")

    assert "No route recorded" in text(html) and RED_TAG not in html


def test_the_system_page_of_a_board_alone_counts_no_break(client, systems):
    html = organisation(client, "QKM")
    words = text(html)
    voice = html[html.index('id="voice-heading"') :].split("</section>")[0]

    assert "– no practice’s route to the board is recorded; not recorded for 2 practices" in words
    assert "have a complete chain, every seat filled (no route recorded)" in words
    assert "Routes to the board: 0 reach it, 0 are broken, and for 2 no route is recorded." in words
    assert "No route recorded Kent and Medway (91Q) : 2 practices" in words
    assert "No broken chain is recorded." in words
    assert "Broken" not in text(voice) and RED_TAG not in voice
    assert "no route recorded for 2" in words  # the places table


def test_the_system_page_of_a_recorded_gap_counts_it_as_broken(client, systems):
    html = organisation(client, "QOP")
    words = text(html)

    assert "50% of practices whose route is recorded have a chain that reaches the board (1 of 2)" in words
    assert "Broken Wigan (02H) : 1 practice" in words and RED_TAG in html
    assert "not recorded for" not in words.split("Routes to the board")[0]


def test_compare_counts_shares_over_recorded_routes(client, systems):
    words = text(page(client, reverse("governance:compare")))

    assert "– (0 of 0) no route recorded for 2 practices" in words
    assert "50% (1 of 2)" in words


def test_the_home_page_says_what_is_known_of_each_system(client, systems):
    Organisation.objects.filter(code="QOP").update(
        governance_source="https://example.org/board", verified_on=D(2026, 5, 1)
    )
    org("QHM", "icb", name="NHS North East ICB")
    html = page(client, reverse("governance:home"))
    words = text(html)

    assert "NHS Greater Manchester ICB QOP 2 2 2 Sourced verified 1 May 2026" in words
    assert "NHS Kent and Medway ICB QKM 1 1 2 Board only holders not recorded" in words
    assert "NHS North East ICB QHM 0 0 0 Not recorded" in words
    kent_row = html[html.index("NHS Kent and Medway ICB") :].split("</tr>")[0]
    assert "nhsuk-tag--green" not in kent_row  # never a tick for a scaffold


def test_the_home_page_calls_demo_holders_illustrative(client, systems):
    Organisation.objects.filter(code="QOP").update(illustrative=True)

    assert "NHS Greater Manchester ICB QOP 2 2 2 Illustrative (demo)" in text(page(client, reverse("governance:home")))


def test_the_ladder_picture_says_no_route_recorded(client, systems):
    svg = page(client, reverse("governance:ladder", args=["G82001", "svg"]))

    assert "No route recorded: nothing recorded says whether a route leads from Medway Surgery" in svg
    assert "no route recorded" in svg and "chain breaks" not in svg


def test_the_diagram_marks_where_no_route_is_recorded(client, systems):
    svg = page(client, reverse("governance:diagram", args=["QKM", "svg"]))

    assert "No route recorded above Kent and Medway: 2 practices." in svg
    assert "Chains break" not in svg


def test_the_system_feed_counts_routes_apart(client, systems):
    response = client.get(reverse("governance:system-feed", args=["QKM"]))

    assert response.status_code == 200
    assert "2 reach it" not in response.content.decode()
    assert "0 reach it, 0 broken, 2 not recorded." in response.content.decode()
