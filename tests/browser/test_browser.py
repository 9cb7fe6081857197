"""The pages in a real browser: the system's Chromium, driven by Playwright against the live server.

Skipped without Chromium (/usr/bin/chromium, or the path in ICSMAP_CHROMIUM); CI sets
REQUIRE_BROWSER=1 so they cannot skip there (see conftest.py).
Never `playwright install`: the Debian package provides the browser.
Each test leaves a full-page screenshot in tests/screenshots/ (git-ignored), named after it.
The accessibility test injects axe-core from node_modules (npm ci, `make install`); without
it that test skips, which REQUIRE_BROWSER=1 turns into a failed run like any skipped browser test.
Every tab records what the Content-Security-Policy blocked (``csp_violations``): the pages, the
admin and the API docs must work without it blocking anything.
"""

import re
from pathlib import Path

import pytest

from governance.models import Appointment, Organisation, Person, Seat
from tests.builders import D, appoint, org, screenshot, seat, set_top_board

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NHS_FOCUS_YELLOW = "rgb(255, 235, 59)"


@pytest.fixture
def system():
    icb = org("QOP", "icb", name="NHS Greater Manchester ICB", region="North West")
    board = org("qop-board", "board", icb, name="ICB board")
    org("qop-finance", "committee", board, name="Finance and performance committee")
    gp_board = org("qop-gp-board", "board", icb, name="GP board")
    place = org("00T", "place", icb, name="Bolton")
    pcn = org("U00001", "pcn", place, name="Bolton Central PCN")
    org("P00001", "practice", pcn, name="Deane Road Surgery", postcode="BL1 1AA")
    set_top_board(icb, board)
    appoint(
        seat(gp_board, "Bolton representative", represents=place, delegate=True), "Illustrative Lead", D(2023, 4, 1)
    )
    appoint(seat(board, "GP board representative", represents=gp_board, delegate=True), "Illustrative Delegate")
    seat(board, "Partner member (primary medical services)", role="partner_member", sector="general_practice")
    return icb


def test_search_a_practice_by_postcode_and_reach_its_ladder(page, system):
    page.goto("/")
    page.get_by_label("Find a practice, network, place, board or person").fill("bl1 1aa")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"[?&]q=bl1"))
    result = page.locator(".icsmap-result").filter(has_text="Deane Road Surgery")
    assert "BL1 1AA" in result.inner_text()
    result.get_by_role("link", name="Deane Road Surgery").click()

    page.wait_for_url(re.compile(r"/organisations/P00001/$"))
    rungs = page.locator(".icsmap-ladder > li")
    assert rungs.count() == 5  # ICB board, GP board, Bolton, PCN, practice
    assert rungs.first.inner_text().startswith("TOP BOARD")
    assert "ICB board" in rungs.first.inner_text()
    assert "Deane Road Surgery" in rungs.last.inner_text()
    assert "Complete chain" in page.locator(".icsmap-verdict").inner_text()
    assert page.requests_elsewhere == []
    assert page.csp_violations == []


def test_an_earlier_as_of_date_redraws_the_ladder(page, system):
    page.goto("/organisations/P00001/")
    ladder = page.locator(".icsmap-ladder")
    assert "Illustrative Lead" in ladder.inner_text()
    assert ladder.locator(".icsmap-rung__link--vacant").count() == 0

    page.get_by_label("As of").fill("2023-01-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"date=2023-01-01"))
    assert "Incomplete chain" in page.locator(".icsmap-verdict").inner_text()
    assert "Illustrative Lead" not in ladder.inner_text()  # not appointed until 1 April 2023
    vacant = ladder.locator(".icsmap-rung__link--vacant")  # both delegates start on 1 April 2023
    assert vacant.count() == 2
    assert "Bolton representative" in vacant.last.inner_text()
    assert "Nobody holds this seat on 1 January 2023" in vacant.last.inner_text()
    assert page.requests_elsewhere == []
    assert page.csp_violations == []


def test_a_collapsed_governance_tree_node_expands_from_its_summary(page, system):
    page.goto("/organisations/QOP/")
    summary = page.locator(".icsmap-tree__details > summary", has_text="Reporting to ICB board:")
    details = summary.locator("xpath=..")
    committee = details.get_by_role("link", name="Finance and performance committee")
    assert committee.is_visible()  # the tree is drawn open

    summary.click()
    assert details.get_attribute("open") is None
    assert committee.is_hidden()
    screenshot(page, "tree-collapsed")

    summary.click()
    assert details.get_attribute("open") is not None
    assert committee.is_visible()
    assert page.url.endswith("/organisations/QOP/")
    assert page.requests_elsewhere == []
    assert page.csp_violations == []


def test_keyboard_focus_on_the_search_box_is_visible(page, system):
    page.goto("/")
    for _ in range(12):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "q":
            break
    assert page.evaluate("document.activeElement.id") == "q"
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return {color: s.outlineColor, width: s.outlineWidth, style: s.outlineStyle, shadow: s.boxShadow}; })()"
    )
    assert style["style"] != "none" and float(style["width"].rstrip("px")) >= 3, style
    assert style["color"] == NHS_FOCUS_YELLOW, style


def test_home_ladder_and_system_pages_have_no_serious_accessibility_violations(page, system, axe):
    failures = axe(
        page,
        [
            ("home", "/"),
            ("search", "/?q=BL1+1AA"),
            ("ladder", "/organisations/P00001/"),
            ("ladder-vacant", "/organisations/P00001/?date=2023-01-01"),
            ("system", "/organisations/QOP/"),
            ("timeline", "/systems/QOP/timeline/?from=2022-07-01"),
            ("home-as-of", "/?date=2026-03-31"),
        ],
    )
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)
    assert page.requests_elsewhere == []
    assert page.csp_violations == []


def test_the_api_docs_load_under_the_content_security_policy(page, system):
    page.goto("/api/docs/")

    title = page.locator(".swagger-ui .info .title")
    title.wait_for()
    assert "icsmap API" in title.inner_text()
    page.locator(".opblock-summary-get", has_text="/api/v1/organisations/").first.click()  # the scripts work
    page.get_by_role("button", name="Try it out").first.wait_for()
    assert page.requests_elsewhere == []
    assert page.csp_violations == []


def test_the_admin_works_under_the_content_security_policy(page, system, live_server):
    from django.contrib.auth.models import User

    User.objects.create_superuser("browser-admin", password="a long browser test password")
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("browser-admin")
    page.get_by_label("Password").fill("a long browser test password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto("/admin/governance/organisation/")
    tree = page.locator("#result_list")
    assert "NHS Greater Manchester ICB" in tree.inner_text()  # the tree opens collapsed
    page.get_by_role("link", name="Recent changes").click()
    page.wait_for_url(re.compile(r"/recent-changes/"))
    page.get_by_label("System").select_option("QOP")  # the page's script submits the form on change
    page.wait_for_url(re.compile(r"[?&]system=QOP"))
    assert page.requests_elsewhere == []
    assert page.csp_violations == []


def test_not_recorded_seats_provenance_and_composition_have_no_serious_accessibility_violations(page, system, axe):
    """The parts issue 13 added: "not recorded" seats and verdicts, the illustrative banner, sources,
    the composition table, and the comparison's new columns."""
    Organisation.objects.filter(pk=system.pk).update(
        illustrative=True, governance_source="https://example.org/board", verified_on=D(2026, 11, 3)
    )
    board = Organisation.objects.get(code="qop-board")
    seat(board, "Director of finance", role="executive", portfolio="finance", holders_recorded=False)
    Seat.objects.filter(label="Bolton representative").update(holders_recorded=False)
    Appointment.objects.filter(seat__label="Bolton representative").delete()
    Appointment.objects.filter(seat__label="GP board representative").update(source="https://example.org/minutes")
    delegate = Person.objects.get(name="Illustrative Delegate")

    failures = axe(
        page,
        [
            ("ladder-not-recorded", "/organisations/P00001/"),
            ("system-composition", "/organisations/QOP/"),
            ("board-not-recorded", "/organisations/qop-board/"),
            ("person-illustrative", f"/people/{delegate.pk}/"),
            ("compare", "/systems/compare/"),
        ],
    )
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)
    page.goto("/organisations/P00001/")
    assert "Holders not recorded" in page.locator(".icsmap-verdict").inner_text()
    assert page.locator(".icsmap-illustrative").is_visible()


def test_diagram_shows_and_the_picture_download_links_work(page, system):
    page.goto("/organisations/QOP/")
    image = page.locator("figure.icsmap-diagram img")
    image.scroll_into_view_if_needed()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0"), "the diagram did not load"
    downloads = [
        ("/organisations/QOP/", "SVG diagram", "QOP-diagram-", b"<svg"),
        ("/organisations/QOP/", "PNG diagram", "QOP-diagram-", b"\x89PNG"),
        ("/organisations/P00001/", "SVG picture of the ladder", "P00001-ladder-", b"<svg"),
        ("/organisations/P00001/", "PNG picture of the ladder", "P00001-ladder-", b"\x89PNG"),
    ]
    for url, name, filename, magic in downloads:
        page.goto(url)
        with page.expect_download() as info:
            page.get_by_role("link", name=name).click()
        download = info.value
        assert download.suggested_filename.startswith(filename), download.suggested_filename
        assert magic in Path(download.path()).read_bytes()[:400], name
    assert page.requests_elsewhere == []
    assert page.csp_violations == []
