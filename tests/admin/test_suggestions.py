"""Reviewing suggestions in the admin: each editor sees and reviews only their own systems', as text."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from governance.domain import suggestions
from governance.models import Organisation, Suggestion, SuggestionStatus
from tests.builders import editor_of, org, system_a

pytestmark = pytest.mark.django_db
SOURCE = "https://www.example.nhs.uk/board"
LIST = reverse("admin:governance_suggestion_changelist")


@pytest.fixture
def two_systems():
    a = system_a()
    b_root = org("QBB", "icb", name="System B ICB")
    b_board = org("qbb-board", "board", b_root, name="System B board")
    mine = suggestions.submit(a["board"], what="<script>alert('x')</script> A new chair", source=SOURCE)
    theirs = suggestions.submit(b_board, what="Theirs: a new chief executive", source=SOURCE)
    return {"a": a, "b": b_root, "mine": mine, "theirs": theirs}


@pytest.fixture
def alice(client, two_systems):
    user = editor_of("alice", two_systems["a"]["qaa"])
    client.force_login(user)
    return user


def change_url(suggestion: Suggestion) -> str:
    return reverse("admin:governance_suggestion_change", args=[suggestion.pk])


def test_an_editor_lists_only_their_systems_suggestions(client, alice, two_systems):
    html = client.get(LIST).content.decode()

    assert "A new chair" in html
    assert "Theirs: a new chief executive" not in html


def test_another_systems_suggestion_is_not_there_for_an_editor_even_by_its_address(client, alice, two_systems):
    theirs = two_systems["theirs"]

    assert client.get(change_url(theirs)).status_code == 302  # the admin's "does not exist" redirect
    client.post(change_url(theirs), {"status": SuggestionStatus.REJECTED, "note": "not mine"})

    theirs.refresh_from_db()
    assert theirs.status == SuggestionStatus.NEW and theirs.reviewer is None


def test_reviewing_records_who_and_when_and_changes_no_governance(client, alice, two_systems):
    mine = two_systems["mine"]
    before = (Organisation.objects.count(), list(Organisation.objects.values_list("name", flat=True)))

    response = client.post(
        change_url(mine), {"status": SuggestionStatus.ACCEPTED, "note": "Added from the board page."}
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    assert (mine.status, mine.reviewer, mine.note) == (SuggestionStatus.ACCEPTED, alice, "Added from the board page.")
    assert mine.reviewed_at is not None
    assert (Organisation.objects.count(), list(Organisation.objects.values_list("name", flat=True))) == before


def test_markup_in_a_suggestion_is_shown_as_text(client, alice, two_systems):
    html = client.get(change_url(two_systems["mine"])).content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; A new chair" in html


def test_the_change_an_editor_makes_may_take_the_suggestions_source(client, alice, two_systems):
    a = two_systems["a"]
    with_seat = suggestions.submit(a["board"], what="The seat's holder changed", source=SOURCE, seat=a["seat"])

    html = client.get(change_url(with_seat)).content.decode()
    add = client.get(reverse("admin:governance_appointment_add"), {"seat": a["seat"].pk, "source": SOURCE})

    assert f"/admin/governance/appointment/add/?seat={a['seat'].pk}&amp;source=https%3A%2F%2Fwww.example.nhs.uk" in html
    assert f'value="{SOURCE}"' in add.content.decode()


def test_a_superuser_sees_every_systems_suggestions(client, two_systems):
    client.force_login(User.objects.create_superuser("root", password="not-used-in-tests"))

    html = client.get(LIST).content.decode()

    assert "A new chair" in html and "Theirs: a new chief executive" in html


def test_suggestions_are_filtered_by_status_system_and_age(client, alice, two_systems):
    suggestions.review(two_systems["mine"], status=SuggestionStatus.REJECTED, reviewer=alice)

    waiting = client.get(LIST, {"status__exact": "new"}).content.decode()
    this_week = client.get(LIST, {"age": "week"}).content.decode()
    older = client.get(LIST, {"age": "older"}).content.decode()

    assert "A new chair" not in waiting
    assert "A new chair" in this_week and "A new chair" not in older


def test_the_editors_feed_lists_their_open_suggestions_behind_login(client, two_systems):
    anonymous = client.get("/suggestions/feed/")
    client.force_login(editor_of("alice", two_systems["a"]["qaa"]))
    feed = client.get("/suggestions/feed/")

    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    body = feed.content.decode()
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    assert "A new chair" in body and "Theirs" not in body
    assert "&lt;script&gt;" in body and "<script>" not in body
    assert f"tag:icsmap,2026:suggestion:{two_systems['mine'].pk}" in body
