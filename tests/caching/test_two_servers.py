"""Two app servers, one database: two gunicorn instances on PostgreSQL and Redis, as a deployment runs.

Each server is its own process with its own caches of the data version (read at most twice a second), system
graphs and, through REDIS_URL, the shared page, answer and throttle caches. The tests check
what the README promises across servers: a write through one is seen through the other within
1 s (``versioning.MAX_AGE`` is half that), anonymous throttle counts
are shared, and neither server serves an answer older than the data version once it has
answered from the newer one.

Needs PostgreSQL (marked postgres) and Redis at 127.0.0.1:6379: without Redis they skip with
the reason, and REQUIRE_POSTGRES=1 (CI) turns that skip into a failed run like any skipped
PostgreSQL test. The servers read the test database, so the tests commit (transactional_db).
Redis database 7 is this module's own, flushed before and after.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from itertools import count
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.builders import system_a

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 7
THROTTLE = 10  # anonymous requests a minute per address, on both servers together
PROMISED_DELAY = 1.0  # seconds: README, "another process's write is seen within 1 s"
_addresses = count(1)


def fresh_address() -> str:
    """A client address no other request in this module used (so only the throttle test is throttled)."""
    n = next(_addresses)
    return f"198.51.{n // 250}.{n % 250 + 1}"


def redis_or_skip():
    import redis

    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.RedisError as error:
        pytest.skip(f"needs Redis at {REDIS_HOST}:{REDIS_PORT} for the shared caches ({error})")
    return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database (test_<name>), which the servers must read: not the one DATABASE_URL names."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Server:
    """One gunicorn (one sync worker) on a free loopback port, production settings."""

    def __init__(self, name: str, env: dict):
        self.name, self.port = name, free_port()
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--workers=1",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
                "icsmap.wsgi",
            ],
            cwd=ROOT,
            env=env,
        )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.name} exited with {self.process.returncode}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn {self.name} did not start")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def ask(self, path: str, *, method="GET", body=None, token=None, address=None, headers=None):
        """(status, headers, text) of one request, as the address given (X-Forwarded-For, one trusted proxy)."""
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"X-Forwarded-For": address or fresh_address(), **(headers or {})},
        )
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Token {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()


@pytest.fixture(scope="module")
def servers(django_db_setup, django_db_blocker):
    """Servers A and B on the test database and one Redis database; stopped (and Redis flushed) afterwards."""
    redis = redis_or_skip()
    redis.flushdb()
    with django_db_blocker.unblock():
        url = database_url()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
        "DEBUG": "0",
        "SECRET_KEY": "two-servers-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "API_ANON_THROTTLE_RATE": f"{THROTTLE}/min",
        "TRUSTED_PROXY_COUNT": "1",  # each request says which client it is for (fresh_address)
    }
    started = []
    try:
        for name in ("A", "B"):
            started.append(Server(name, env))
        for server in started:
            server.wait_until_up()
        yield started
    finally:
        for server in started:
            server.stop()
        redis.flushdb()


@pytest.fixture
def world():
    """System A, committed, and a superuser's token."""
    rows = system_a()
    user = User.objects.create_superuser("two-servers", password=None)
    return {**rows, "token": Token.objects.create(user=user).key}


def test_a_write_through_one_server_is_seen_through_the_other_within_a_second(servers, world):
    a, b = servers
    url = f"/api/v1/seats/{world['seat'].pk}/"
    for _ in range(2):  # the second answer comes from B's caches
        status, _, text = b.ask(url)
        assert status == 200 and json.loads(text)["label"] == "Alpha place member"

    status, _, _ = a.ask(url, method="PATCH", body={"label": "Renamed through A"}, token=world["token"])
    written = time.monotonic()
    assert status == 200

    seen = None
    while time.monotonic() - written <= PROMISED_DELAY:
        if json.loads(b.ask(url)[2])["label"] == "Renamed through A":
            seen = time.monotonic() - written
            break
        time.sleep(0.02)
    assert seen is not None, f"B still answered the old label {PROMISED_DELAY} s after A's write"
    assert json.loads(a.ask(url)[2])["label"] == "Renamed through A"  # the writer at once


def test_throttle_counts_are_shared_by_the_servers(servers, world):
    address = fresh_address()
    answers = [server.ask("/api/v1/organisations/", address=address)[0] for server in servers * (THROTTLE // 2)]
    assert answers == [200] * THROTTLE  # half through each server

    over = [server.ask("/api/v1/organisations/", address=address) for server in servers]

    assert [status for status, _, _ in over] == [429, 429]  # each alone has counted only half
    assert all(int(headers["Retry-After"]) > 0 for _, headers, _ in over)
    assert servers[0].ask("/api/v1/organisations/")[0] == 200  # another client is not held back


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("/api/v1/seats/{seat}/", '"Alpha place member"', '"Renamed seat"'),
        ("/organisations/qaa-board/", "Alpha place member", "Renamed seat"),
        ("/api/v1/seats/?format=csv", "Alpha place member", "Renamed seat"),
    ],
)
def test_no_server_serves_an_answer_older_than_one_it_has_served(servers, world, path, old, new):
    writer = servers[0]
    path = path.format(seat=world["seat"].pk)
    for server in servers:  # both have the answer cached
        for _ in range(2):
            status, headers, text = server.ask(path)
            assert status == 200 and old in text
    old_etag = headers["ETag"]

    seat_url, label = f"/api/v1/seats/{world['seat'].pk}/", new.strip('"')
    assert writer.ask(seat_url, method="PATCH", body={"label": label}, token=world["token"])[0] == 200

    fresh_since = {}
    deadline = time.monotonic() + PROMISED_DELAY + 1
    while time.monotonic() < deadline:
        for server in servers:
            status, headers, text = server.ask(path)
            assert status == 200
            if new in text:
                fresh_since.setdefault(server.name, headers["ETag"])
            else:
                assert server.name not in fresh_since, f"{server.name} went back to an older answer"
                assert old in text
        time.sleep(0.02)
    assert set(fresh_since) == {"A", "B"}
    for server in servers:  # a client revalidating the old answer gets the new one, not a 304
        status, _, text = server.ask(path, headers={"If-None-Match": old_etag})
        assert status == 200 and new in text
