"""``/healthz``: what is up and what is down, with a status a load balancer acts on.

The cache server's part: ``caching/test_cache_server_down.py``."""

from unittest import mock

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_says_ok_in_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1
        response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content.decode().splitlines() == ["ok", "database: ok", "cache: ok"]


def test_healthz_with_the_database_down_is_a_503(client):
    with mock.patch("icsmap.health.connection.cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content.decode().splitlines() == ["down", "database: down", "cache: ok"]
