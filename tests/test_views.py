"""The pages LMC staff browse: search, an organisation with its ladder, a person."""

import pytest
from django.urls import reverse

from tests.builders import D, appoint, org, seat, set_top_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    icb = org("QOP", "icb", name="NHS Greater Manchester ICB", region="North West")
    board = org("qop-board", "board", icb, name="ICB board")
    place = org("00T", "place", icb, name="Bolton")
    pcn = org("U00001", "pcn", place, name="Bolton Central PCN")
    for i in range(3):
        org(f"P0000{i}", "practice", pcn, name=f"Surgery {i}", postcode=f"BL1 {i}AA")
    set_top_board(icb, board)
    appoint(seat(board, "Bolton member", represents=place, delegate=True), "Illustrative Holder", D(2023, 4, 1))
    seat(board, "Partner member (primary medical services)", role="partner_member", sector="general_practice")
    return icb


def test_home_lists_systems_by_region_and_searches_by_name_code_and_postcode(client, system):
    page = client.get(reverse("governance:home")).content.decode()
    assert "North West" in page and "NHS Greater Manchester ICB" in page and "3 practices" in page

    assert "Surgery 1" in client.get("/", {"q": "P00001"}).content.decode()
    assert "Surgery 2" in client.get("/", {"q": "bl1 2aa"}).content.decode()
    assert "Illustrative Holder" in client.get("/", {"q": "illustrative"}).content.decode()
    assert "Nothing matches" in client.get("/", {"q": "zzz"}).content.decode()


def test_practice_page_draws_the_ladder_with_seat_holder_and_sector_seat(client, system):
    page = client.get("/organisations/P00001/", {"date": "2024-01-01"}).content.decode()

    assert "Complete" in page and "3 layers to ICB board" in page
    assert "Illustrative Holder" in page and "delegate" in page
    assert "Sector seats on the top board" in page and "Vacant" in page
    ladder = page[page.index('<ol class="ladder"') :]
    assert ladder.index("ICB board</a>") < ladder.index("Bolton</a>") < ladder.index("Surgery 1</a>")  # top first


def test_an_as_of_date_before_the_holder_shows_the_seat_vacant(client, system):
    page = client.get("/organisations/P00001/", {"date": "2023-01-01"}).content.decode()

    assert "Incomplete" in page and "Vacant" in page


def test_bad_date_is_a_400_and_unknown_code_a_404(client, system):
    assert client.get("/organisations/P00001/", {"date": "2023-02-30"}).status_code == 400
    assert client.get("/organisations/NOPE/").status_code == 404


def test_board_page_lists_seats_and_person_page_lists_appointments(client, system):
    page = client.get("/organisations/qop-board/").content.decode()
    assert "Bolton member" in page and "Partner member (primary medical services)" in page

    person_url = reverse(
        "governance:person",
        args=[system.get_descendants().get(code="qop-board").seats.first().appointments.first().person_id],
    )
    assert "Bolton member" in client.get(person_url).content.decode()


def test_organisation_page_queries_are_bounded(client, system, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        small = client.get("/organisations/U00001/")
    pcn = system.get_descendants().get(code="U00001")
    for i in range(3, 40):
        org(f"P000{i:02}", "practice", pcn)
    with django_assert_max_num_queries(15):
        big = client.get("/organisations/U00001/")
    assert small.status_code == big.status_code == 200
