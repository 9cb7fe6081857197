"""Wrong API tokens are counted per client address: past ``API_TOKEN_FAILURE_RATE``, a 429."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def read(token: str, address: str = "127.0.0.1") -> int:
    api = APIClient(REMOTE_ADDR=address)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return api.get("/api/v1/organisations/").status_code


@pytest.fixture
def limited(settings):
    settings.API_TOKEN_FAILURE_RATE = "3/min"
    cache.clear()


def test_wrong_tokens_are_throttled_after_the_rate(limited):
    answers = [read("0" * 40) for _ in range(5)]

    assert answers == [401, 401, 401, 429, 429]


def test_a_throttled_address_waits_even_with_a_right_token(limited):
    right = Token.objects.create(user=User.objects.create_user("editor")).key
    for _ in range(3):
        read("0" * 40)

    assert read(right) == 429
    assert read(right, address="10.1.2.3") == 200  # another client


def test_right_tokens_and_anonymous_reads_are_not_counted(limited):
    right = Token.objects.create(user=User.objects.create_user("editor")).key

    assert [read(right) for _ in range(5)] == [200] * 5
    assert [APIClient().get("/api/v1/organisations/").status_code for _ in range(5)] == [200] * 5
