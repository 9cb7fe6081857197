"""The cache server (Redis) down: pages and the API answer, slower; ``/healthz`` says the cache is down."""

import logging
import socket

import pytest
from django.core.cache import caches

from governance.caching import cache_server
from tests.builders import greater_manchester

pytestmark = pytest.mark.django_db

BACKEND = "governance.caching.cache_server.FailOpenRedisCache"


def free_port() -> int:
    """A local port nobody listens on (bound, read and let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_caches(url: str) -> dict:
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    return {
        "default": {"BACKEND": BACKEND, "LOCATION": url, "OPTIONS": options},
        "pages": {"BACKEND": BACKEND, "LOCATION": url, "KEY_PREFIX": "pages", "OPTIONS": options},
    }


@pytest.fixture
def outage_forgotten():
    """Each test starts and ends believing the server up (the outage is remembered per process)."""
    cache_server.outage.down = False
    yield
    cache_server.outage.down = False


@pytest.fixture
def cache_down(settings, outage_forgotten):
    settings.CACHES = redis_caches(f"redis://127.0.0.1:{free_port()}/9")


@pytest.fixture
def system():
    return greater_manchester(complete=True)


READS = [
    "/",
    "/?q=Bolton",
    "/organisations/QOP/",
    "/organisations/P00001/",
    "/systems/compare/",
    "/api/v1/organisations/",
    "/api/v1/organisations/QOP/",
    "/api/v1/organisations/P00001/path/",
    "/api/v1/seats/",
    "/api/v1/organisations/?q=Bolton",
]


def test_fifty_page_and_api_reads_answer_200_with_the_cache_server_down(client, system, cache_down, settings):
    settings.API_ANON_THROTTLE_RATE = "1000/min"  # the throttle reads the cache too
    settings.PAGE_ANON_THROTTLE_RATE = "1000/min"

    answers = [client.get(url).status_code for _ in range(5) for url in READS]

    assert len(answers) == 50 and set(answers) == {200}


def test_the_outage_is_logged_once(client, system, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="governance.caching.cache_server"):
        for _ in range(10):
            client.get("/organisations/P00001/")

    assert [r.getMessage().startswith("The cache server is down") for r in caplog.records] == [True]


def test_a_read_is_a_miss_and_a_write_is_dropped(cache_down):
    cache = caches["default"]

    assert cache.get("anything", "missing") == "missing"
    assert cache.add("anything", 1) is False
    assert cache.set("anything", 1) is None
    assert cache.get_many(["a", "b"]) == {}
    with pytest.raises(ValueError):  # as for a key that is not there: callers already handle it
        cache.incr("anything")


def test_a_suggestion_is_taken_with_the_cache_server_down(client, system, cache_down):
    # The hourly count per address lives in the cache: with it down, it is not counted (fail open).
    response = client.post(
        "/organisations/QOP/suggest/", {"what": "The chair changed in May.", "source": "https://example.org/board"}
    )

    assert response.status_code == 302


def test_healthz_says_the_cache_is_down_and_stays_in_the_pool(client, cache_down):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode().splitlines() == ["degraded", "database: ok", "cache: down"]


def test_healthz_with_a_running_cache_server(client, settings, outage_forgotten):
    settings.CACHES = redis_caches("redis://127.0.0.1:6379/9")
    if not caches["default"].is_up():
        pytest.skip("no Redis on 127.0.0.1:6379")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode().splitlines() == ["ok", "database: ok", "cache: ok"]
