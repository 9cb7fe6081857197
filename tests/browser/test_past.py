"""A page of another day, in a real browser: it says so at its top, and every link on it keeps the day.

One click from a page of 1 January 2024 is still 1 January 2024, until the reader follows
the banner's link to today.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from governance import governance_file as loading
from governance.models import Organisation, Person
from tests import builders
from tests.builders import ILLUSTRATIVE_QOP, browser_tab, org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
browser = builders.browser  # the module's Chromium

DAY = "2024-01-01"
# Addresses that are not pages of a day: the API, the admin, files, feeds.
NOT_PAGES = re.compile(r"^/(api|admin|static)/|/feed/$")


@pytest.fixture
def demo():
    """The illustrative Greater Manchester, with a PCN and a practice under Bolton."""
    loading.load_governance([ILLUSTRATIVE_QOP])
    pcn = org("U00T", "pcn", Organisation.objects.get(code="00T"), name="Bolton Central PCN")
    org("P00T1", "practice", pcn, name="Deane Road Surgery", postcode="BL1 1AA")
    return Person.objects.filter(appointments__isnull=False).order_by("name").first()


@pytest.fixture
def tab(browser, live_server, request):
    with browser_tab(browser, live_server.url, request.node.name, width=1200) as opened:
        yield opened


def links_to_pages(tab, but: str = ".icsmap-other-day a") -> list[str]:
    """The address of every link on the page to another of the site's pages, ``but`` those
    (by default the banner's own link to today)."""
    hrefs = tab.eval_on_selector_all(f"a[href]:not({but})", "links => links.map(a => a.getAttribute('href'))")
    internal = [h for h in hrefs if h.startswith("/") and not NOT_PAGES.search(urlsplit(h).path)]
    return internal


def test_a_page_of_another_day_says_so_and_every_link_keeps_the_day(tab, demo):
    pages = [
        "/",
        "/organisations/QOP/",
        "/organisations/00T/",
        "/organisations/U00T/",
        "/organisations/P00T1/",
        "/organisations/qop-board/",
        "/organisations/qop-lmc/",
        f"/people/{demo.pk}/",
        "/systems/compare/",
        "/systems/QOP/timeline/",
    ]
    dropped = []
    for url in pages:
        tab.goto(f"{url}?date={DAY}")
        banner = tab.locator(".icsmap-other-day")
        assert "You are looking at 1 January 2024" in banner.inner_text(), url
        assert banner.get_by_role("link", name="See this page today").get_attribute("href") == url
        assert "on 1 January 2024" in tab.title(), url
        # A timeline's entries link to the day each change took effect, on purpose.
        links = links_to_pages(tab, but=".icsmap-other-day a, a.icsmap-event-day")
        assert links, f"no links on {url}"
        dropped += [f"{url}: {h}" for h in links if parse_qs(urlsplit(h).query).get("date") != [DAY]]
    assert dropped == [], "links that drop the day:\n" + "\n".join(dropped)
    assert tab.requests_elsewhere == []
    assert tab.csp_violations == []


def test_following_links_stays_on_the_day_until_the_banner_leads_back_to_today(tab, demo):
    tab.goto(f"/?date={DAY}")
    tab.get_by_role("link", name=re.compile("Greater Manchester")).first.click()
    tab.wait_for_url(re.compile(r"/organisations/QOP/\?date=2024-01-01$"))
    tab.locator(".icsmap-tree").get_by_role("link", name=re.compile("Bolton")).first.click()
    tab.wait_for_url(re.compile(r"date=2024-01-01"))
    assert "You are looking at 1 January 2024" in tab.locator(".icsmap-other-day").inner_text()

    tab.get_by_label("Search practices, networks, places, boards and people").fill("Deane")
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"q=Deane"))
    assert "date=2024-01-01" in tab.url  # the header's search keeps the day too

    tab.get_by_role("link", name="See this page today").click()
    tab.wait_for_url(re.compile(r"/\?q=Deane$"))
    assert tab.locator(".icsmap-other-day").count() == 0
    assert all("date=" not in h for h in links_to_pages(tab))  # today's links carry no day


def test_todays_page_has_no_banner_and_plain_links(tab, demo):
    tab.goto("/organisations/P00T1/")
    assert tab.locator(".icsmap-other-day").count() == 0
    assert [h for h in links_to_pages(tab) if "date=" in h] == []
