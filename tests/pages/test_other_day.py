"""A page of another day (``?date=``): a banner and title say so, and every link to a page keeps the day.

The one mechanism is ``{% dated_url %}`` (governance/templatetags/icsmap.py), fed by
``governance.pages.as_of.other_day``; the browser test (browser/test_past.py) clicks through.
"""

import re

import pytest
from django.utils import timezone

from governance.models import Person
from tests.builders import set_top_board, system_a

pytestmark = pytest.mark.django_db

PAGE_LINK = re.compile(r'href="(/(?:organisations|people|systems)/[^"]*|/(?:\?[^"]*)?)"')


@pytest.fixture
def system():
    built = system_a()
    set_top_board(built["qaa"], built["board"])
    return built


def page_links(html: str) -> list[str]:
    """Links to the site's pages, the banner's link to today and feeds left out."""
    body = re.sub(r'<div class="icsmap-other-day".*?</div>', "", html, flags=re.S)
    return [h.replace("&amp;", "&") for h in PAGE_LINK.findall(body) if not h.endswith("/feed/")]


@pytest.mark.parametrize(
    "url", ["/", "/organisations/QAA/", "/organisations/P00001/", "/organisations/qaa-board/", "/systems/compare/"]
)
def test_a_page_of_another_day_says_so_and_its_links_keep_the_day(client, system, url):
    html = client.get(url, {"date": "2024-01-01"}).content.decode()

    assert "You are looking at 1 January 2024." in html
    assert f'<a href="{url}">See this page today</a>' in html
    assert re.search(r"<title>.* on 1 January 2024 – icsmap</title>", html)
    links = page_links(html)
    assert links
    assert [h for h in links if "date=2024-01-01" not in h] == []


def test_todays_page_and_a_page_asked_for_today_say_nothing_and_add_no_date(client, system):
    for query in ({}, {"date": f"{timezone.localdate():%Y-%m-%d}"}):
        html = client.get("/organisations/P00001/", query).content.decode()

        assert "You are looking at" not in html
        assert [h for h in page_links(html) if "date=" in h] == []


def test_links_keep_their_own_parameters_beside_the_day(client, system):
    person = Person.objects.get(name="Illustrative Holder A")
    html = client.get("/organisations/qaa-board/", {"date": "2024-01-01"}).content.decode()

    assert f"/people/{person.pk}/?date=2024-01-01" in html
    assert re.search(r'/organisations/qaa-board/suggest/\?seat=\d+&amp;date=2024-01-01"', html)


def test_the_banner_link_to_today_keeps_the_search_and_drops_the_day(client, system):
    html = client.get("/", {"q": "Alpha", "date": "2024-01-01"}).content.decode()

    assert '<a href="/?q=Alpha">See this page today</a>' in html
    assert '<input type="hidden" name="date" value="2024-01-01">' in html  # the header's search keeps the day
