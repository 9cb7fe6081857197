"""Pages and their fresh facts (governance/reading/memberships.py, templates): a renamed place under the name of
the page's date, registered patients, a membership first seen in a snapshot said as "between … and …", and a
practice's "what changed" panel with whose word each move is."""

import datetime

import pytest
from django.core.cache import cache

from governance.models import Link, RegisteredPatients, Relation
from tests.builders import RENAMED_PATIENTS_SOURCE, greater_manchester, link, ods, renamed_essex

pytestmark = pytest.mark.django_db

D = datetime.date
SNAPSHOT_DAY = D(2026, 8, 1)
SOURCE = RENAMED_PATIENTS_SOURCE


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def essex():
    s = renamed_essex()
    # F81002 moved to a PCN first seen in the snapshot of 1 August 2026.
    s["new_pcn"] = ods("U10003", "pcn", s["06Q"], name="Maldon PCN")
    link(s["new_pcn"], s["06Q"], Relation.PCN_SUB_ICB, start=SNAPSHOT_DAY, start_exact=False)
    maldon = s["essex_practices"][1]
    Link.objects.filter(child=maldon, relation=Relation.PCN_MEMBER).update(
        end=SNAPSHOT_DAY - datetime.timedelta(days=1), end_exact=False, source="ePCN.xlsx (data date 2025-01-20)"
    )
    link(maldon, s["new_pcn"], Relation.PCN_MEMBER, start=SNAPSHOT_DAY, start_exact=False, source="map.zip")
    return s


def test_a_renamed_place_shows_the_name_of_the_pages_date(client, essex):
    before = client.get("/organisations/06Q/", {"date": "2026-03-31"})
    after = client.get("/organisations/06Q/", {"date": "2026-04-01"})

    assert "<h1>NHS Mid and South Essex ICB - 06Q</h1>" in before.content.decode()
    assert "<h1>NHS Essex ICB - 06Q</h1>" in after.content.decode()
    assert "Earlier name: “NHS Mid and South Essex ICB - 06Q” until 31 March 2026" in after.content.decode()
    # And under a practice, the breadcrumb of the date names its place as it was then.
    practice = client.get("/organisations/F81001/", {"date": "2026-03-31"}).content.decode()
    assert ">NHS Mid and South Essex ICB - 06Q</a>" in practice


def test_a_place_page_shows_its_registered_patients_with_date_and_source(client, essex):
    page = client.get("/organisations/06Q/").content.decode()

    assert "426,464 registered patients on 1 August 2026" in page
    assert SOURCE in page


def test_a_practice_page_says_a_move_seen_in_a_snapshot_happened_between_two_days(client, essex):
    page = client.get("/organisations/F81002/", {"date": "2026-12-02"}).content.decode()

    assert "moved to Maldon PCN between 21 January 2025 and 1 August 2026 (the exact day is not published)" in page
    assert "What changed for this practice" in page
    assert "PCN: from Chelmsford PCN to" in page
    assert "ODS&#x27;s word" in page


def test_the_what_changed_panel_says_when_a_move_is_icsmaps_inference(client, essex):
    frimley = ods("U2G6B", "place", essex["essex"], name="Thames Valley place")
    practice = essex["essex_practices"][0]
    Link.objects.filter(child=practice, relation=Relation.PRACTICE_SUB_ICB).update(end=D(2026, 3, 31))
    link(practice, frimley, Relation.PRACTICE_SUB_ICB, start=D(2026, 4, 1), source="frimley_division_2026-04.csv")

    page = client.get("/organisations/F81001/").content.decode()

    # where it came from, by the name that place bore on the practice's last day there
    assert "Place (sub-ICB location): from NHS Mid and South Essex ICB - 06Q" in page and "on 1 April 2026" in page
    assert "icsmap&#x27;s inference" in page


def test_a_page_of_a_day_before_a_move_does_not_tell_the_move(client, essex):
    frimley = ods("U2G6B", "place", essex["essex"], name="Thames Valley place")
    practice = essex["essex_practices"][0]
    Link.objects.filter(child=practice, relation=Relation.PRACTICE_SUB_ICB).update(end=D(2026, 3, 31))
    link(practice, frimley, Relation.PRACTICE_SUB_ICB, start=D(2026, 4, 1), source="frimley_division_2026-04.csv")

    before = client.get("/organisations/F81001/", {"date": "2026-03-31"}).content.decode()
    after = client.get("/organisations/F81001/", {"date": "2026-04-01"}).content.decode()

    assert "Place (sub-ICB location): from NHS Mid and South Essex ICB - 06Q" not in before
    assert "Place (sub-ICB location): from NHS Mid and South Essex ICB - 06Q" in after


def test_the_voice_figures_give_the_share_of_registered_patients_whose_route_reaches_the_board(client):
    s = greater_manchester(complete=True)
    RegisteredPatients.objects.create(code="U00001", unit_type="PCN", count=41000, date=SNAPSHOT_DAY, source=SOURCE)

    page = client.get("/organisations/QOP/").content.decode()

    assert s["pcn"].code == "U00001"
    assert "100% of the registered patients whose practices’ route is recorded" in page
    assert "(41,000 of 41,000)" in page
    assert "Counted by PCN (practice counts are not published)" in page
