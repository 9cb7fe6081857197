"""Every kind of page on a phone: 375 px wide, nothing wider than the screen (WCAG 2.2 reflow).

Tables stack or scroll inside themselves, never the page. Screenshots of each page are left
in tests/screenshots/ (``phone-<kind>.png``) to look at.
"""

import re

import pytest

from governance import governance_file as loading
from governance.models import Organisation, Person
from tests import builders
from tests.builders import ILLUSTRATIVE_QOP, browser_tab, org, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
browser = builders.browser  # the module's Chromium

PHONE = 375
SMALLEST = 320


@pytest.fixture
def demo():
    """The illustrative Greater Manchester, with a PCN and two practices under Bolton."""
    loading.load_governance([ILLUSTRATIVE_QOP])
    pcn = org("U00T", "pcn", Organisation.objects.get(code="00T"), name="Bolton Central Primary Care Network")
    org("P00T1", "practice", pcn, name="Deane Road Medical Centre and Surgery", postcode="BL1 1AA")
    org("P00T2", "practice", pcn, name="Closing Surgery", closed="2025-06-30")


def every_kind_of_page() -> list[tuple[str, str]]:
    """(kind, address) of each kind of public page, on the demo."""
    person = Person.objects.filter(appointments__isnull=False).order_by("name").first()
    return [
        ("home", "/"),
        ("search", "/?q=bolton"),
        ("system", "/organisations/QOP/"),
        ("place", "/organisations/00T/"),
        ("pcn", "/organisations/U00T/"),
        ("practice", "/organisations/P00T1/"),
        ("board", "/organisations/qop-board/"),
        ("lmc", "/organisations/qop-lmc/"),
        ("person", f"/people/{person.pk}/"),
        ("compare", "/systems/compare/"),
        ("timeline", "/systems/QOP/timeline/?from=2022-07-01"),
        ("suggest", "/organisations/P00T1/suggest/"),
        ("past", "/organisations/P00T1/?date=2024-01-01"),
        ("not-found", "/organisations/NOPE/"),
    ]


def overflow(tab) -> dict:
    """How far the page is wider than the screen, and the widest elements that stick out."""
    return tab.evaluate(
        """() => {
          const root = document.documentElement;
          const over = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
            .filter(e => !e.parentElement.closest(".icsmap-scroll, .icsmap-diagram"))
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));
          return {scroll: root.scrollWidth, client: root.clientWidth, over};
        }"""
    )


@pytest.mark.parametrize("width", [PHONE, SMALLEST])
def test_no_page_scrolls_sideways_on_a_phone(browser, live_server, demo, width):
    wider = []
    with browser_tab(browser, live_server.url, f"phone-{width}", width=width) as tab:
        for kind, url in every_kind_of_page():
            tab.goto(url)
            tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            found = overflow(tab)
            if width == PHONE:
                screenshot(tab, f"phone-{kind}")
            if found["scroll"] > found["client"]:
                wider.append(f"{kind} ({url}): {found['scroll']} px > {found['client']} px; {found['over']}")
        assert tab.requests_elsewhere == []
        assert tab.csp_violations == []
    assert wider == [], "pages wider than the screen:\n" + "\n".join(wider)


def test_a_table_that_fits_on_a_desktop_shows_no_scrollbar(browser, live_server, demo):
    # NHS.UK tables reach 2 px past the text each side: inside a scroller that alone made one.
    scrolling = []
    with browser_tab(browser, live_server.url, "desktop-tables", width=1280) as tab:
        for kind, url in every_kind_of_page():
            tab.goto(url)
            widths = tab.evaluate(
                "() => [...document.querySelectorAll('.icsmap-scroll')].map(e => [e.scrollWidth, e.clientWidth])"
            )
            scrolling += [f"{kind} ({url}): {inner} px in {outer} px" for inner, outer in widths if inner > outer]
    assert scrolling == [], "tables scrolling at desktop width:\n" + "\n".join(scrolling)


def test_the_header_tagline_lines_do_not_overlap(browser, live_server, demo):
    with browser_tab(browser, live_server.url, "phone-header", width=PHONE) as tab:
        tab.goto("/")
        tagline = tab.locator(".icsmap-service__tagline")
        box = tagline.bounding_box()
        line_height = tagline.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)")
        assert line_height >= 16, line_height  # not the logo's line-height: 0
        assert box["height"] >= 2 * line_height - 1  # two lines, one under the other
        name = tab.locator(".nhsuk-header__service-name").bounding_box()
        assert name["y"] + name["height"] <= box["y"] + 1  # the tagline starts under the name


def test_the_system_diagram_is_readable_at_full_size_and_opens_alone(browser, live_server, demo):
    with browser_tab(browser, live_server.url, "phone-diagram", width=PHONE) as tab:
        tab.goto("/organisations/QOP/")
        image = tab.locator("figure.icsmap-diagram img")
        image.scroll_into_view_if_needed()
        shown = image.evaluate("img => ({complete: img.complete, natural: img.naturalWidth, drawn: img.width})")
        assert shown["complete"] and shown["natural"] > PHONE, shown
        assert shown["drawn"] == shown["natural"]  # its own size, not shrunk to about 6 px text
        view = tab.locator(".icsmap-diagram__view")
        assert view.evaluate("v => v.scrollWidth > v.clientWidth")  # it scrolls inside its frame
        assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE  # not the page
        screenshot(tab, "phone-diagram-view")

        tab.get_by_role("link", name="Open the diagram full size").click()
        tab.wait_for_url(re.compile(r"/organisations/QOP/diagram\.svg$"))
        assert tab.locator("svg title").first.text_content().startswith("Governance of")
        assert tab.csp_violations == []
        tab.go_back()  # the closing screenshot is of the page, not of the large picture
