"""The suggestion form (issue 21) in Chromium: axe-core finds nothing serious or critical, with and without
its errors shown; the Content-Security-Policy blocks nothing; a suggestion sent through the browser is stored."""

import re

import pytest

from governance.models import Suggestion
from tests.builders import org, seat, set_top_board

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def board():
    icb = org("QOP", "icb", name="NHS Greater Manchester ICB", region="North West")
    top = org("qop-board", "board", icb, name="ICB board")
    set_top_board(icb, top)
    seat(top, "Chair", role="chair", selection="appointed")
    return top


def test_the_suggestion_form_passes_axe_with_and_without_its_errors(page, board, axe):
    failures = axe(page, [("suggest", "/organisations/qop-board/suggest/")])
    page.get_by_role("button", name="Send the suggestion").click()  # empty: refused, the errors shown
    page.locator(".nhsuk-error-summary").wait_for()
    failures += axe(page, [("suggest-refused", None)])

    assert "Error:" in page.title()
    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)
    assert Suggestion.objects.count() == 0
    assert page.csp_violations == []
    assert page.requests_elsewhere == []


def test_a_suggestion_sent_through_the_browser_is_stored(page, board):
    page.goto("/organisations/qop-board/suggest/")
    page.get_by_label("Which seat is it about?").select_option(label="Chair")
    page.get_by_label("What is wrong or missing?").fill("Illustrative Chair became chair on 1 April 2026.")
    page.get_by_label("Where is it published?").fill("https://example.org/board-papers")
    page.get_by_label("Your email address (optional)").fill("reader@example.org")
    page.get_by_role("button", name="Send the suggestion").click()

    page.wait_for_url(re.compile(r"/organisations/qop-board/suggest/"))
    assert "your suggestion about ICB board was received" in page.locator("h1").inner_text()
    stored = Suggestion.objects.get()
    assert (stored.organisation.code, stored.seat.label, stored.source) == (
        "qop-board",
        "Chair",
        "https://example.org/board-papers",
    )
    assert stored.what == "Illustrative Chair became chair on 1 April 2026."
    assert page.csp_violations == []
    assert page.requests_elsewhere == []
