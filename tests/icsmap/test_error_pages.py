"""The site's own 404 and 500 pages in every mode: with DEBUG on (the quick start's default) as off.

``icsmap/error_pages.py`` answers with the site's handlers where Django would show its debug
pages; under /api/ the answers stay JSON.
"""

import logging

import pytest

from governance.pages import views

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def mode(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.fixture
def crash(monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("a fault of ours")

    monkeypatch.setattr(views.directory, "systems_by_region", fail)


def test_an_unknown_code_is_the_sites_404_page(client, mode):
    response = client.get("/organisations/NOPE1/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html and "Nothing here has that code" in html
    assert "URLconf" not in html and "technical" not in html  # not Django's debug page


def test_an_unknown_address_is_the_sites_404_page(client, mode):
    response = client.get("/no/such/page/")

    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


def test_an_unknown_api_address_is_still_json(client, mode):
    response = client.get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found: no such API URL."}


def test_a_crash_is_the_sites_500_page_and_is_logged(client, settings, crash, caplog):
    settings.DEBUG = True  # with DEBUG off Django itself renders 500.html, with a request the client re-raises
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Sorry, something went wrong</h1>" in html
    assert "a fault of ours" not in html and "Traceback" not in html
    assert any(record.exc_info and "a fault of ours" in str(record.exc_info[1]) for record in caplog.records)


def test_with_debug_off_a_crash_renders_the_same_500_page(client, settings, crash):
    settings.DEBUG = False
    client.raise_request_exception = False

    response = client.get("/")

    assert response.status_code == 500
    assert "<h1>Sorry, something went wrong</h1>" in response.content.decode()
