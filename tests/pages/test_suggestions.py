"""Suggest a correction: the form on every organisation page, what it stores, what it refuses, and the count."""

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from governance.domain import suggestions
from governance.models import Suggestion, SuggestionStatus
from tests.builders import D, commit_now, editor_of, org, set_top_board, system_a

pytestmark = pytest.mark.django_db
SOURCE = "https://www.example.nhs.uk/board/members"
GOOD = {"what": "Dr A Example became chair on 1 April 2026.", "source": SOURCE}


@pytest.fixture(autouse=True)
def _no_counts_from_other_tests():
    """The hourly counts live in the default cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def s():
    return system_a()


def post(client, code, **fields):
    return client.post(f"/organisations/{code}/suggest/", fields)


def test_every_organisation_page_and_each_seat_link_to_the_form(client, s):
    board_page = client.get("/organisations/qaa-board/").content.decode()
    practice_page = client.get("/organisations/P00001/").content.decode()

    assert 'href="/organisations/qaa-board/suggest/"' in board_page
    assert f'href="/organisations/qaa-board/suggest/?seat={s["seat"].pk}"' in board_page
    assert 'href="/organisations/P00001/suggest/"' in practice_page


def test_the_form_is_labelled_and_offers_the_seats_of_a_body(client, s):
    response = client.get(f"/organisations/qaa-board/suggest/?seat={s['seat'].pk}")
    html = response.content.decode()

    assert response.status_code == 200
    for field in ("what", "source", "email", "seat"):
        assert '<label class="nhsuk-label' in html and f'for="suggest-{field}"' in html
    assert f'<option value="{s["seat"].pk}" selected>Alpha place member</option>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_good_suggestion_is_stored_for_the_system_and_thanked(client, s):
    response = post(client, "qaa-board", seat=s["seat"].pk, email="lmc@example.org", **GOOD)

    assert response.status_code == 302
    assert response["Location"] == "/organisations/qaa-board/suggest/thanks/"
    stored = Suggestion.objects.get()
    assert (stored.organisation, stored.system, stored.seat) == (s["board"], s["qaa"], s["seat"])
    assert (stored.what, stored.source, stored.email, stored.status) == (
        GOOD["what"], SOURCE, "lmc@example.org", SuggestionStatus.NEW,
    )  # fmt: skip
    thanks = client.get(response["Location"]).content.decode()
    assert "What happens next" in thanks and "An editor of this system will check it" in thanks


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"what": "", "source": SOURCE}, "Say what is wrong or missing."),
        ({"what": "   ", "source": SOURCE}, "Say what is wrong or missing."),
        ({"what": "x" * 2001, "source": SOURCE}, "Say it in at most 2,000 characters (this is 2,001)."),
        ({"what": "ok"}, "Give the web address where this is published"),
        ({"what": "ok", "source": "javascript:alert(1)"}, "Give a web address starting with http:// or https://"),
        ({"what": "ok", "source": "data:text/html,<b>x</b>"}, "Give a web address starting with http:// or https://"),
        ({"what": "ok", "source": "ftp://example.org/x"}, "Give a web address starting with http:// or https://"),
        ({"what": "a\x00b", "source": SOURCE}, "The text contains a NUL character."),
        ({"what": "ok", "source": SOURCE, "email": "not an address"}, "Give an email address like name@example.org"),
    ],
)
def test_a_refused_suggestion_stores_nothing_and_says_why(client, s, fields, message):
    response = post(client, "qaa-board", **fields)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "your suggestion was not stored" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_a_lone_surrogate_is_refused_by_the_one_check(s):
    """A form post cannot carry one (Django decodes bad UTF-8 as U+FFFD); any other writer gets the same check."""
    with pytest.raises(suggestions.SuggestionRefused) as refused:
        suggestions.check(s["board"], what="a\ud800b", source=SOURCE)

    assert refused.value.errors == {"what": "The text contains characters that are not text (a lone surrogate)."}


def test_a_seat_of_another_body_is_refused(client, s):
    other_board = org("qaa-other", "board", s["qaa"], name="Other board")

    response = post(client, other_board.code, seat=s["seat"].pk, **GOOD)

    assert response.status_code == 400
    assert not Suggestion.objects.exists()


def test_an_organisation_closed_on_the_date_is_refused(client, s):
    closed = org("P00009", "practice", s["pcn"], name="Closed Surgery", closed=D(2024, 3, 31))

    response = post(client, closed.code, date="2025-01-01", **GOOD)

    assert response.status_code == 400
    assert "Closed Surgery is not open on 1 January 2025" in response.content.decode()
    assert not Suggestion.objects.exists()


def test_an_unknown_organisation_is_a_404_and_a_bad_date_a_400(client, s):
    assert client.get("/organisations/NOPE/suggest/").status_code == 404
    assert post(client, "NOPE", **GOOD).status_code == 404
    assert client.get("/organisations/P00001/suggest/?date=2025-02-30").status_code == 400
    assert not Suggestion.objects.exists()


def test_a_post_without_its_csrf_token_is_refused(s):
    client = Client(enforce_csrf_checks=True)

    response = post(client, "P00001", **GOOD)

    assert response.status_code == 403
    assert not Suggestion.objects.exists()


def test_a_flood_from_one_address_is_refused_after_ten_an_hour(client, s, settings):
    settings.SUGGESTIONS_PER_HOUR = 10
    for _ in range(10):
        assert post(client, "P00001", **GOOD).status_code == 302

    flood = post(client, "P00001", **GOOD)
    other_address = client.post("/organisations/P00001/suggest/", GOOD, REMOTE_ADDR="192.0.2.7")

    assert flood.status_code == 429
    assert "at most 10 suggestions an hour" in flood.content.decode()
    assert other_address.status_code == 302
    assert Suggestion.objects.count() == 11


def test_the_system_page_says_how_many_wait_and_never_their_text(client, s):
    post(client, "P00001", what="<script>alert('x')</script> a holder changed", source=SOURCE)
    post(client, "qaa-board", **GOOD)
    reviewed = Suggestion.objects.order_by("pk").first()
    reviewed.status = SuggestionStatus.REJECTED
    reviewed.save()
    commit_now()

    html = client.get("/organisations/QAA/").content.decode()

    assert "1 suggestion waits for review by this system’s editors" in html
    assert "alert(" not in html and GOOD["what"] not in html


def test_the_systems_editors_get_an_email_never_the_readers_address(client, s, django_capture_on_commit_callbacks):
    editor_of("alice", s["qaa"], email="alice@example.org")
    editor_of("bob", org("QBB", "icb", name="System B ICB"), email="bob@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        post(client, "qaa-board", email="reader@example.org", **GOOD)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.org"]
    assert "System A board" in message.subject
    assert GOOD["what"] in message.body and SOURCE in message.body
    assert "reader@example.org" not in message.body


def test_a_route_nobody_recorded_invites_a_suggestion_where_it_stands(client):
    board_only = org("QCC", "icb", name="System C ICB")
    place = org("00C", "place", board_only, name="Gamma place")
    pcn = org("U00003", "pcn", place, name="Gamma PCN")
    org("P00003", "practice", pcn, name="Gamma Surgery")
    board = org("qcc-board", "board", board_only, name="System C board")
    set_top_board(board_only, board)

    html = client.get("/organisations/P00003/").content.decode()

    assert "No route recorded" in html
    assert "Do you know how Gamma Surgery is heard?" in html
    assert 'href="/organisations/P00003/suggest/">Suggest a correction' in html
