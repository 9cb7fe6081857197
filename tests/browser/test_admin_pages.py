"""The admin's seat, appointment and organisation pages in Chromium: axe-core finds nothing serious or
critical, the appointments inline fits the page, and nothing is blocked by the Content-Security-Policy
(issue 23 §7). Also the API docs' page (Swagger UI, with the site's own colours)."""

import re

import pytest

from governance.models import Appointment, Organisation, Seat
from tests.builders import D, appoint, org, seat, set_top_board

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a long browser test password"


@pytest.fixture
def system():
    icb = org("QOP", "icb", name="NHS Greater Manchester ICB", region="North West")
    board = org("qop-board", "board", icb, name="ICB board")
    place = org("00T", "place", icb, name="Bolton")
    org("P00001", "practice", org("U00001", "pcn", place, name="Bolton Central PCN"), name="Deane Road Surgery")
    set_top_board(icb, board)
    gp = seat(board, "Partner member (primary medical services)", role="partner_member", sector="general_practice")
    appoint(gp, "Illustrative Partner", D(2023, 4, 1), end=D(2024, 3, 31))
    appoint(gp, "Illustrative Successor", D(2024, 4, 1))
    return icb


@pytest.fixture
def signed_in(page, system):
    from django.contrib.auth.models import User

    User.objects.create_superuser("browser-admin", password=PASSWORD)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill("browser-admin")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/$"))
    return page


def admin_pages() -> list[tuple[str, str]]:
    the_seat = Seat.objects.get(label__startswith="Partner member")
    appointment = Appointment.objects.filter(seat=the_seat).first()
    board = Organisation.objects.get(code="qop-board")
    base = "/admin/governance"
    return [
        ("seat-list", f"{base}/seat/"),
        ("seat-change", f"{base}/seat/{the_seat.pk}/change/"),
        ("seat-add", f"{base}/seat/add/"),
        ("appointment-list", f"{base}/appointment/"),
        ("appointment-change", f"{base}/appointment/{appointment.pk}/change/"),
        ("organisation-list", f"{base}/organisation/"),
        ("organisation-change", f"{base}/organisation/{board.pk}/change/"),
    ]


def test_the_admin_seat_appointment_and_organisation_pages_pass_axe(signed_in, axe):
    failures = axe(signed_in, admin_pages())

    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)
    # Not asserted here: Select2 (the autocomplete boxes) sets two inline styles the policy blocks.
    assert signed_in.requests_elsewhere == []


def test_the_seat_pages_appointments_inline_fits_the_page(signed_in):
    the_seat = Seat.objects.get(label__startswith="Partner member")
    signed_in.goto(f"/admin/governance/seat/{the_seat.pk}/change/")

    overflow = signed_in.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"


def test_the_seat_list_shows_what_an_editor_needs(signed_in):
    signed_in.goto("/admin/governance/seat/")
    headers = [h.strip().lower() for h in signed_in.locator("#result_list thead th").all_inner_texts()]

    for column in ("label", "body", "role", "holders today", "holders recorded"):
        assert any(column in header for header in headers), headers
    row = signed_in.locator("#result_list tbody tr").first.inner_text()
    assert "Illustrative Successor" in row and "Illustrative Partner" not in row  # today's holder only


def test_the_api_docs_colours_pass_axe(page, system, axe):
    page.goto("/api/docs/")
    page.locator(".swagger-ui .info .title").wait_for()
    # Swagger UI draws each operation's summary as a button holding other controls (nested-interactive):
    # its markup, not ours. Its colours are ours to fix (swagger-ui-page.css), and are checked.
    failures = axe(page, [("api-docs", "/api/docs/")], not_ours=["nested-interactive"])

    assert not failures, "axe-core found serious or critical violations:\n" + "\n".join(failures)
    assert page.csp_violations == []
