"""Anonymous API reads answered again from the cache, without DRF (governance/api/answer_cache.py)."""

import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView

from governance.caching import pages as page_cache
from governance.models import Seat
from tests import builders
from tests.builders import API, commit_now

pytestmark = pytest.mark.django_db

client, gm = builders.api_client, builders.api_system

PATH = f"{API}/organisations/P00001/path/"
# Headers that differ between two answers only by when they were made.
MOMENT_HEADERS = {"date"}


@pytest.fixture
def through_drf(monkeypatch):
    """Counts the requests that went through DRF's negotiation, authentication and throttles."""
    calls = []
    real_initial = APIView.initial

    def initial(self, request, *args, **kwargs):
        calls.append(request.path)
        return real_initial(self, request, *args, **kwargs)

    monkeypatch.setattr(APIView, "initial", initial)
    return calls


def headers(response) -> dict:
    return {name.lower(): value for name, value in response.items() if name.lower() not in MOMENT_HEADERS}


def test_a_second_anonymous_read_is_answered_without_drf_exactly_as_drf_answered(client, gm, through_drf):
    first = client.get(PATH)
    again = client.get(PATH)

    assert through_drf == [PATH]
    assert again.status_code == first.status_code == 200
    assert again.content == first.content
    assert headers(again) == headers(first)


def test_a_replayed_revalidation_is_the_304_drf_gives(client, gm, through_drf):
    etag = client.get(PATH)["ETag"]
    caches[page_cache.CACHE].clear()
    from_drf = client.get(PATH, headers={"if-none-match": etag})
    client.get(PATH)  # kept again
    replayed = client.get(PATH, headers={"if-none-match": etag})

    assert len(through_drf) == 3  # the fourth was replayed
    assert replayed.status_code == from_drf.status_code == 304
    assert replayed.content == b""
    assert headers(replayed) == headers(from_drf)


@pytest.mark.parametrize(
    "url, accept, content_type",
    [
        ("/systems/QOP/governance/", "", "application/json"),
        ("/systems/QOP/governance/", "application/yaml", "application/yaml"),
        ("/organisations/", "", "application/json"),
        ("/organisations/", "text/csv", "text/csv"),
        ("/organisations/?format=csv", "", "text/csv"),
    ],
)
def test_each_format_is_kept_apart(client, gm, url, accept, content_type):
    for other in ("", "application/json", "application/yaml", "text/csv"):  # the other formats kept first
        client.get(f"{API}{url}", headers={"accept": other} if other else {})

    response = client.get(f"{API}{url}", headers={"accept": accept} if accept else {})

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)


def test_a_committed_write_is_read_at_once(client, gm):
    commit_now()
    before = client.get(PATH).json()

    gm["primary_seat"].delete()  # the provider board's seat for the primary care board: the chain breaks there
    commit_now()
    after = client.get(PATH).json()

    assert after != before
    assert after == client.get(PATH).json()


def test_an_uncommitted_write_changes_nothing_yet(client, gm):
    commit_now()
    before = client.get(PATH)

    Seat.objects.filter(pk=gm["primary_seat"].pk).delete()

    assert client.get(PATH).content == before.content


def test_signed_in_clients_go_through_drf(client, gm, through_drf):
    client.get(PATH)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=User.objects.create_user('r')).key}")
    session = APIClient()
    session.force_login(User.objects.create_user("s"))

    assert token.get(PATH).status_code == 200
    assert session.get(PATH).status_code == 200
    assert len(through_drf) == 3


def test_a_bad_token_is_refused_even_when_the_answer_is_kept(client, gm):
    client.get(PATH)
    forged = APIClient()
    forged.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    assert forged.get(PATH).status_code == 401


def test_errors_are_not_kept(client, gm, through_drf):
    client.get(f"{API}/organisations/NOPE/path/")
    client.get(f"{API}/organisations/NOPE/path/")

    assert len(through_drf) == 2


def test_replayed_reads_are_throttled(client, gm, settings, through_drf):
    settings.API_ANON_THROTTLE_RATE = "2/min"
    caches["default"].clear()

    answers = [client.get(PATH).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert len(through_drf) == 2  # the first, and the refused one (DRF words the 429)
    caches["default"].clear()


def test_writes_are_never_replayed(gm):
    editor = APIClient()
    editor.force_authenticate(User.objects.create_superuser("admin"))
    url = f"{API}/seats/{gm['partner'].pk}/"
    APIClient().get(url)

    response = editor.patch(url, {"label": "Partner member (general practice)"}, format="json")

    assert response.status_code == 200
    assert response.json()["label"] == "Partner member (general practice)"
