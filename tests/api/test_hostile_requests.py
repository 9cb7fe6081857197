"""Requests an attacker or a careless client might send: none may make a 500, and every API answer is JSON.

Run on SQLite and on PostgreSQL (DATABASE_URL=postgres://…): PostgreSQL refuses NUL in text,
so a NUL that reached a query would be a 500 there and a quiet "not found" on SQLite.
"""

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.authtoken.models import Token

from governance.api import views as api_views
from governance.models import Appointment, Organisation, Person, Seat
from tests.builders import greater_manchester

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def system():
    return greater_manchester(complete=True)


@pytest.fixture
def web():
    """A client that gets the site's 500 page instead of the exception, as a real server would."""
    return Client(raise_request_exception=False)


@pytest.fixture
def token_header(system):
    user = User.objects.create_superuser("hostile", password=None)
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=user).key}"}


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in (Organisation, Seat, Person, Appointment)}


# OPTIONS in every format ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/paths/?format=csv",
        "/paths/?system=QOP&format=csv",
        "/organisations/?format=csv",
        "/organisations/P00001/path/?format=csv",
        "/seats/?format=csv",
        "/systems/QOP/governance/?format=yaml",
        "/systems/QOP/governance/",
    ],
)
def test_options_describe_the_view_in_json_whatever_the_format(web, system, url):
    response = web.options(f"{API}{url}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["name"]


# NUL in the URL (the one guard is governance.domain.lookups.can_match) ------------------------------


@pytest.mark.parametrize("url", ["/organisations/%00/", "/organisations/P00001%00/", "/people/%00/"])
def test_a_null_character_in_a_page_address_is_a_404_page(web, system, url):
    response = web.get(url)

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/?q=%00", 200),  # search words with a NUL match nothing (test_pages pins "Nothing matches")
        ("/?q=bolton%00", 200),
        ("/organisations/QOP/?date=2024-01-01%00", 400),  # not a date: the bad-request page
        ("/organisations/QOP/?page=%00", 200),
        ("/systems/compare/?sort=%00", 200),
        ("/?%00=1", 200),
    ],
)
def test_a_null_character_in_a_page_query_is_never_a_500(web, system, url, status):
    response = web.get(url)

    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "url",
    [
        "/organisations/%00/",
        "/organisations/%00/path/",
        "/organisations/%00/children/",
        "/systems/%00/summary/",
        "/systems/%00/governance/",
        "/systems/%00/popolo/",
        "/seats/%00/",
        "/people/%00/",
    ],
)
def test_a_null_character_in_an_api_path_is_a_json_404(web, system, url):
    response = web.get(f"{API}{url}")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith(("No ", "Not found"))


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/organisations/?q=%00", 400),
        ("/organisations/?system=%00", 400),
        ("/paths/?codes=P00001%00", 400),
        ("/paths/?codes=P00001&date=%00", 400),
        ("/changes/?since=%00", 400),
        ("/organisations/P00001/?format=json%00", 404),  # an unknown format
        ("/organisations/?search=a%00", 200),  # a parameter the view does not know: ignored
    ],
)
def test_a_null_character_in_an_api_query_is_never_a_500(web, system, url, status):
    response = web.get(f"{API}{url}")

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"


# Bodies --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("write", ["post seats", "post appointments", "patch seat", "patch appointment"])
@pytest.mark.parametrize("depth", [1_000, 5_000, 100_000])
def test_a_body_nested_too_deeply_is_a_json_400_and_changes_nothing(web, system, token_header, write, depth):
    method, resource = write.split()
    url = {
        "seats": f"{API}/seats/",
        "appointments": f"{API}/appointments/",
        "seat": f"{API}/seats/{system['bolton_seat'].pk}/",
        "appointment": f"{API}/appointments/{system['a'].pk}/",
    }[resource]
    before = counts()

    response = getattr(web, method)(url, "[" * depth + "]" * depth, "application/json", **token_header)

    assert response.status_code == 400
    assert response.json() == {"detail": "JSON parse error - the body is nested too deeply."}
    assert counts() == before


def test_a_body_nested_as_deep_as_the_decoder_allows_is_an_ordinary_400(web, system, token_header):
    response = web.post(f"{API}/seats/", "[" * 100 + "]" * 100, "application/json", **token_header)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (json.dumps({"label": "x" * (10 * 2**20)}), "application/json"),
        ("label=" + "x" * (10 * 2**20), "application/x-www-form-urlencoded"),
    ],
)
def test_a_body_over_the_upload_limit_is_a_json_413_and_changes_nothing(
    web, system, token_header, settings, body, content_type
):
    before = counts()

    response = web.post(f"{API}/seats/", body, content_type, **token_header)

    assert response.status_code == 413
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert response.json() == {"detail": f"The request body is too large: send at most {limit} bytes."}
    assert counts() == before


# The site's own error answers ------------------------------------------------------------------------


def test_an_api_crash_is_a_json_500_without_details(web, system, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(api_views.OrganisationViewSet, "list", crash)

    response = web.get(f"{API}/organisations/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert "secret" not in response.content.decode()
    assert response.json()["detail"].startswith("Server error")


def test_a_page_crash_is_the_html_500_page(web, system, monkeypatch):
    from governance.reading import directory

    def crash(*args, **kwargs):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(directory, "systems_by_region", crash)

    response = web.get("/")

    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "secret" not in response.content.decode()


def test_a_request_refused_before_the_api_view_is_a_json_400(web, system):
    # DisallowedHost is raised by CommonMiddleware, long before DRF: Django's handler400 answers.
    response = web.get(f"{API}/organisations/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


def test_a_page_refused_before_the_view_is_the_html_400_page(web, system):
    response = web.get("/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


# Pagination: the bounds the schema documents are the bounds the API keeps -----------------------------


def test_the_schema_documents_the_pagination_bounds(web, system):
    schema = web.get("/api/schema/", {"format": "json"}).json()

    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/v1/organisations/"]["get"]["parameters"]}
    assert parameters["page"] == {"type": "integer", "minimum": 1}
    assert parameters["page_size"] == {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}


@pytest.mark.parametrize("value", ["0", "-1", "201", "1000", "abc", "1.5", "99999999999999999999"])
def test_a_page_size_outside_the_documented_bounds_is_a_400_naming_it(web, system, value):
    response = web.get(f"{API}/organisations/", {"page_size": value})

    assert response.status_code == 400
    assert response.json() == {"page_size": [f"'{value}' is not a whole number from 1 to 200."]}


@pytest.mark.parametrize("value", ["0", "-1", "abc"])
def test_a_page_outside_the_documented_bounds_is_a_400_naming_it(web, system, value):
    response = web.get(f"{API}/organisations/", {"page": value})

    assert response.status_code == 400
    assert list(response.json()) == ["page"]


@pytest.mark.parametrize(("value", "size"), [("1", 1), ("200", 200), ("", 50)])
def test_a_page_size_within_the_bounds_is_kept(web, system, value, size):
    response = web.get(f"{API}/organisations/", {"page_size": value})

    assert response.status_code == 200
    assert len(response.json()["results"]) == min(size, Organisation.objects.count())
    assert response.json()["count"] == Organisation.objects.count()


# The schema's own refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["?format=xml", "?format=csv"])
def test_a_refused_schema_request_is_json_not_a_schema(web, query):
    response = web.get(f"/api/schema/{query}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_the_schema_is_still_served_in_yaml_and_json(web):
    assert web.get("/api/schema/")["Content-Type"].startswith("application/vnd.oai.openapi")
    assert web.get("/api/schema/?format=json").json()["openapi"].startswith("3.")
