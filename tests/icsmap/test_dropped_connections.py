"""A read whose database connection dropped under it is answered again, once (``icsmap.dropped_connections``)."""

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path

calls = []


def flaky(request, drops: int):
    """Fails with a dropped connection on its first ``drops`` calls."""
    calls.append(request.method)
    if len(calls) <= drops:
        raise OperationalError("server closed the connection unexpectedly")
    return HttpResponse("answered")


# The site's own URLs too: its 500 page links home.
urlpatterns = [path("flaky/<int:drops>/", flaky), path("", include("icsmap.urls"))]


@pytest.fixture
def answering(settings):
    settings.ROOT_URLCONF = __name__
    calls.clear()
    return Client(raise_request_exception=False)


def test_a_read_is_answered_again_on_a_new_connection(answering):
    response = answering.get("/flaky/1/")

    assert response.status_code == 200 and calls == ["GET", "GET"]


def test_only_once(answering):
    assert answering.get("/flaky/2/").status_code == 500
    assert calls == ["GET", "GET"]


def test_a_write_is_never_run_twice(answering):
    assert answering.post("/flaky/1/").status_code == 500
    assert calls == ["POST"]
