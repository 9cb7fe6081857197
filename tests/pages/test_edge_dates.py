"""No 500 for any date or path (issue 24 §5): every page and every API read, swept with the dates at
the edges of the range and of the calendar, answers without a server error; a date outside the
range is a 400 that says the range; the paths and names that once made a 500 answer.
"""

import re

import pytest
from django.urls import resolve

from governance.domain.dates import LATEST as LAST_DAY
from governance.models import Appointment, Organisation, Person
from governance.pages import urls
from tests.builders import D, appoint, set_top_board, system_a

pytestmark = pytest.mark.django_db

EDGE_DATES = ["0001-01-01", "1947-12-31", "1948-07-05", "2100-12-31", "2101-01-01", "9999-12-31", "2025-02-30", ""]
OUT_OF_RANGE = ["0001-01-01", "1947-12-31", "2101-01-01", "9999-12-31"]


@pytest.fixture
def system():
    built = system_a()
    set_top_board(built["qaa"], built["board"])
    # A holder whose term ends on the range's last day: the day after it is past the range.
    appoint(built["seat"], "Illustrative Holder B", D(2030, 1, 1), end=LAST_DAY)
    return built


PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>|\{(\w+)\}")


def filled(route: str, values: dict) -> str:
    """``route`` with each parameter (``<str:code>`` or ``{code}``) given its value."""
    return PARAMETER.sub(lambda m: str(values[m.group(1) or m.group(2)]), route)


def page_urls() -> list[str]:
    """Every page of the site (governance.pages.urls), for system A and for its practice."""
    person = Person.objects.order_by("pk").first().pk
    found = []
    for pattern in urls.urlpatterns:
        for code in ("QAA", "P00001"):  # pictures and feeds of a system; ladders and paths of a unit
            found.append("/" + filled(str(pattern.pattern), {"code": code, "fmt": "svg", "pk": person}))
    return list(dict.fromkeys(found))


def api_urls(client) -> list[str]:
    """Every API read the OpenAPI schema lists, with a real id or code of system A for each parameter."""
    schema = client.get("/api/schema/", {"format": "json"}).json()
    ids = {
        "seats": Appointment.objects.order_by("pk").first().seat_id,
        "people": Person.objects.order_by("pk").first().pk,
        "appointments": Appointment.objects.order_by("pk").first().pk,
        "systems": "QAA",
        "organisations": "P00001",
    }
    found = []
    for path, operations in schema["paths"].items():
        if "get" in operations:
            resource = path.split("/")[3]  # /api/v1/<resource>/...
            found.append(PARAMETER.sub(lambda m, resource=resource: str(ids.get(resource, "QAA")), path))
    return found


@pytest.mark.parametrize("date", EDGE_DATES)
def test_no_page_answers_500_for_an_edge_date(client, system, date):
    for url in page_urls():
        response = client.get(url, {"date": date})
        assert response.status_code < 500, (url, date)
        if date in OUT_OF_RANGE and getattr(resolve(url).func, "takes_date", False):
            assert response.status_code == 400, (url, date)
            assert "1948-07-05" in response.content.decode()
        for name in ("from", "to"):  # the timeline's span
            assert client.get(url, {name: date}).status_code < 500, (url, name, date)
        assert client.get(url, {"from": date, "to": date}).status_code < 500, (url, date)


@pytest.mark.parametrize("date", EDGE_DATES)
def test_no_api_read_answers_500_for_an_edge_date(client, system, date):
    for url in api_urls(client):
        for name in ("date", "active_on", "from", "to", "since"):
            response = client.get(url, {name: date})
            assert response.status_code < 500, (url, name, date)
            if response.status_code >= 400:  # an API error is JSON, whatever refused it
                assert response["Content-Type"] == "application/json", (url, name, date)


def test_a_date_far_in_the_future_is_a_400_that_says_the_range(client, system):
    page = client.get("/organisations/QAA/", {"date": "9999-12-31"})
    api = client.get("/api/v1/organisations/QAA/", {"date": "9999-12-31"})

    assert page.status_code == 400
    assert "icsmap holds no structure for 9999-12-31" in page.content.decode()
    assert api.status_code == 400 and "outside the dates icsmap holds" in api.json()["date"][0]


def test_a_nul_in_a_code_is_a_404_everywhere(client, system):
    for url in (
        "/organisations/%00/feed/",
        "/organisations/%00/",
        "/api/v1/organisations/%00/",
        "/systems/%00/timeline/",
    ):
        assert client.get(url).status_code == 404, url


def test_control_characters_stored_in_names_do_not_break_the_atom_feed(client, system):
    # Stored before the name rule, or written around it: the feed leaves them out rather than fail.
    Organisation.objects.filter(code__in=["QAA", "00A"]).update(name="Bell\x07and\x0bform feed\x0c")
    Person.objects.update(name="Escape\x1b[31m")

    for url in ("/organisations/QAA/feed/", "/feed/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"\x07" not in response.content and b"\x1b" not in response.content
