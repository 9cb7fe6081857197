"""Floods: a search bounded in words and characters, pages throttled per client, the page cache bounded in bytes."""

import os

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.http import HttpResponse

from governance.caching import pages
from governance.reading.directory import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS
from tests.builders import greater_manchester

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    return greater_manchester(complete=True)


def test_a_search_of_too_many_words_is_refused_in_words(client, system):
    response = client.get("/", {"q": " ".join(["surgery"] * (SEARCH_MAX_WORDS + 1))})

    assert response.status_code == 400
    assert f"at most {SEARCH_MAX_WORDS} words" in response.content.decode()


def test_a_search_of_too_many_characters_is_refused(client, system):
    assert client.get("/", {"q": "a" * (SEARCH_MAX_CHARS + 1)}).status_code == 400


def test_a_search_at_the_bounds_is_answered(client, system):
    words = " ".join(["bolton"] * SEARCH_MAX_WORDS)

    assert client.get("/", {"q": words}).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/organisations/", "/api/v1/people/"])
def test_the_api_refuses_a_search_too_long_naming_q(client, system, url):
    response = client.get(url, {"q": "x" * (SEARCH_MAX_CHARS + 1)})

    assert response.status_code == 400 and "q" in response.json()


def test_the_api_refuses_too_many_words(client, system):
    response = client.get("/api/v1/organisations/", {"q": " ".join(["a"] * (SEARCH_MAX_WORDS + 1))})

    assert response.status_code == 400 and f"at most {SEARCH_MAX_WORDS} words" in response.json()["q"][0]


def test_anonymous_page_requests_are_throttled_per_address(client, system, settings):
    settings.PAGE_ANON_THROTTLE_RATE = "3/min"
    cache.clear()

    answers = [client.get("/organisations/QOP/").status_code for _ in range(3)]  # the 2nd and 3rd from the cache
    refused = client.get("/")
    elsewhere = client.get("/", REMOTE_ADDR="10.1.2.3")
    api = client.get("/api/v1/organisations/QOP/")

    assert answers == [200, 200, 200]
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Please try again in" in refused.content.decode()
    assert elsewhere.status_code == 200  # another client
    assert api.status_code == 200  # the API has its own rate


def test_signed_in_editors_are_not_counted(client, system, settings):
    settings.PAGE_ANON_THROTTLE_RATE = "1/min"
    cache.clear()
    client.force_login(User.objects.create_user("editor"))

    assert [client.get("/organisations/QOP/").status_code for _ in range(3)] == [200, 200, 200]


def test_an_answer_larger_than_the_bound_is_not_kept(settings):
    settings.PAGE_CACHE_MAX_BYTES = 1024
    small, large = HttpResponse(b"x" * 100), HttpResponse(os.urandom(16 * 1024))  # random: does not compress

    pages.keep("small", small)
    pages.keep("large", large)

    assert pages.stored("small").content == small.content
    assert pages.stored("large") is None


def test_the_page_cache_in_a_process_is_bounded_in_entries_and_time(settings):
    bounds = settings.CACHES["pages"]  # Redis's is bounded by its maxmemory (README, "Operations")

    assert 0 < bounds["TIMEOUT"] <= 24 * 3600
    assert 0 < bounds["OPTIONS"]["MAX_ENTRIES"] <= 20000
