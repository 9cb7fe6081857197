"""Pages as of a date (governance.pages.as_of): every page that takes ``?date=`` refuses a bad one alike.

A malformed date is the 400 page, in words, before anything else is looked up; the same page
with a good date answers.
"""

import pytest
from django.urls import reverse

from governance.models import Person
from governance.pages import urls
from tests.builders import BAD_DATES, set_top_board, system_a

pytestmark = pytest.mark.django_db

# Every page that takes ?date= (by its URL name), and its address in system A.
PAGES = {
    "home": "/",
    "compare": "/systems/compare/",
    "organisation": "/organisations/P00001/",
    "diagram": "/organisations/QAA/diagram.svg",
    "ladder": "/organisations/P00001/ladder.svg",
    "person": "/people/{person}/",
    "timeline": "/systems/QAA/timeline/",
}


@pytest.fixture
def system():
    built = system_a()
    set_top_board(built["qaa"], built["board"])
    return {"person": Person.objects.get(name="Illustrative Holder A").pk}


def test_every_page_that_takes_a_date_is_tried_here():
    dated = {pattern.name for pattern in urls.urlpatterns if getattr(pattern.callback, "takes_date", False)}

    assert dated == set(PAGES)
    assert reverse("governance:home") == PAGES["home"]


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("bad", [*BAD_DATES, "soon", "2026-12-07T00:00"])
def test_a_bad_date_is_the_400_page_on_every_dated_page(client, system, name, bad):
    url = PAGES[name].format(**system)

    response = client.get(url, {"date": bad})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert f"“{bad}” is not a date. Give the date as YYYY-MM-DD" in response.content.decode()
    assert client.get(url, {"date": "2026-12-07"}).status_code == 200  # the date was at fault, nothing else


def test_the_date_is_read_first(client, system):
    # A bad date is a 400 even where the rest of the address finds nothing (no query is wasted on it).
    assert client.get("/organisations/NOPE/", {"date": "soon"}).status_code == 400
    assert client.get("/organisations/NOPE/", {"date": "2026-12-07"}).status_code == 404
