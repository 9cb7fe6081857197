"""The pages in a real browser: the system's Chromium, driven by Playwright against the live server.

Skipped without /usr/bin/chromium; CI sets REQUIRE_BROWSER=1 so they cannot skip there
(see conftest.py). Never `playwright install`: the Debian package provides the browser.
"""

import os
import re

import pytest

from tests.builders import D, appoint, org, seat, set_top_board

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
NHS_FOCUS_YELLOW = "rgb(255, 235, 59)"


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make
    # between browser steps are plain synchronous ones.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, base_url=live_server.url)
    tab = context.new_page()
    tab.set_default_timeout(5000)
    tab.requests_elsewhere = []
    tab.on(
        "request",
        lambda request: (
            None if request.url.startswith((live_server.url, "data:")) else tab.requests_elsewhere.append(request.url)
        ),
    )
    yield tab
    context.close()


@pytest.fixture
def system():
    icb = org("QOP", "icb", name="NHS Greater Manchester ICB", region="North West")
    board = org("qop-board", "board", icb, name="ICB board")
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


def test_search_a_practice_follow_it_and_redraw_its_ladder_at_another_date(page, system):
    page.goto("/")
    page.get_by_label("Find a practice, network, place, board or person").fill("P00001")
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Deane Road Surgery").click()

    page.wait_for_url(re.compile(r"/organisations/P00001/"))
    rungs = page.locator(".icsmap-ladder > li")
    assert rungs.count() == 5  # ICB board, GP board, Bolton, PCN, practice
    assert rungs.first.inner_text().startswith("TOP BOARD")
    assert "Complete chain" in page.locator(".icsmap-verdict").inner_text()

    page.get_by_label("As of").fill("2023-01-01")
    page.get_by_role("button", name="Show").click()
    page.wait_for_url(re.compile(r"date=2023-01-01"))
    assert "Incomplete chain" in page.locator(".icsmap-verdict").inner_text()
    assert "Nobody holds this seat on 1 January 2023" in page.locator(".icsmap-ladder").inner_text()
    assert page.requests_elsewhere == []


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
