"""The shipped demo governance (Greater Manchester) shows every case the product is about."""

import pytest
from django.core.management import call_command

from governance.domain import tree_check
from governance.models import Kind, Organisation
from governance.reading.graph import SystemGraph
from governance.reading.paths import representation_path
from tests.builders import ILLUSTRATIVE_QOP, D, org

pytestmark = pytest.mark.django_db

DEMO = ILLUSTRATIVE_QOP
TODAY = D(2026, 11, 22)


@pytest.fixture
def demo():
    """The demo loaded on its own, with one PCN and practice under each of three places."""
    call_command("load_governance", str(DEMO), verbosity=0)
    for place in ("00T", "00Y", "02H"):
        pcn = org(f"U{place}", "pcn", Organisation.objects.get(code=place))
        org(f"P{place}", "practice", pcn)


def test_statutory_icb_board_seats_are_all_there(demo):
    board = Organisation.objects.get(code="qop-board")
    roles = sorted(board.seats.values_list("role", flat=True))

    assert roles.count("partner_member") >= 3 and roles.count("non_executive") >= 2
    assert {"chair", "chief_executive"} <= set(roles) and roles.count("executive") >= 3
    assert set(board.seats.exclude(sector="").values_list("sector", flat=True)) >= {
        "general_practice",
        "nhs_trusts",
        "local_authority",
    }
    assert Organisation.objects.filter(kind=Kind.PLACE, parent__code="QOP").count() == 10
    assert Organisation.objects.filter(kind=Kind.ICP).exists()
    assert tree_check.diagnose().ok


def test_bolton_is_six_complete_layers_from_practice_to_icb_board(demo):
    path = representation_path("P00T", TODAY)

    assert path["distance"] == 6 and path["complete"]
    assert [layer["organisation"]["code"] for layer in path["layers"]] == [
        "P00T",
        "U00T",
        "00T",
        "qop-gp-board",
        "qop-primary-care-board",
        "qop-provider-board",
        "qop-board",
    ]
    assert [s["sector"] for s in path["sector_seats"]].count("general_practice") == 1


def test_bolton_representative_changed_in_april_2024(demo):
    def holder(date):
        return representation_path("P00T", date)["layers"][3]["seat"]["holders"][0]["name"]

    assert holder(D(2024, 3, 31)) == "Illustrative Bolton GP Lead A"
    assert holder(D(2024, 4, 1)) == "Illustrative Bolton GP Lead B"


def test_oldham_seat_fell_vacant_and_wigan_chain_is_broken(demo):
    oldham = representation_path("P00Y", TODAY)
    assert oldham["reaches_top"] and not oldham["complete"]
    assert representation_path("P00Y", D(2025, 9, 30))["complete"]

    wigan = representation_path("P02H", TODAY)
    assert wigan["reaches_top"] is False and wigan["distance"] is None


def test_holders_are_illustrative(demo):
    from governance.models import Person

    assert all(name.startswith("Illustrative ") for name in Person.objects.values_list("name", flat=True))


@pytest.mark.slow
def test_every_greater_manchester_practice_has_a_path_after_the_real_import(shipped_england):
    call_command("load_governance", str(DEMO), verbosity=0)
    qop = Organisation.objects.get(code="QOP")
    graph = SystemGraph.load(qop.pk, TODAY)
    practices = [n for n in graph.nodes.values() if n.kind == Kind.PRACTICE]

    paths = [graph.path(p.pk) for p in practices]

    assert len(paths) > 350  # about 400 open practices in Greater Manchester
    by_place = {}
    for path in paths:
        place = next(lay["organisation"]["code"] for lay in path["layers"] if lay["organisation"]["kind"] == "place")
        by_place.setdefault(place, set()).add((path["reaches_top"], path["complete"]))
    assert by_place["00T"] == {(True, True)}  # Bolton: complete
    assert by_place["00Y"] == {(True, False)}  # Oldham: vacant seat
    assert by_place["02H"] == {(False, False)}  # Wigan: broken
    assert tree_check.diagnose().ok


def test_the_demo_says_its_holders_are_illustrative_at_the_top_of_its_pages_and_no_other_system_does(demo, client):
    other = org("QKS", "icb", name="NHS Kent and Medway Integrated Care Board")
    org("U91Q", "pcn", org("91Q", "place", other))
    call_command("scaffold_governance", verbosity=0)
    chair = Organisation.objects.get(code="qop-board").seats.get(label="Chair").appointments.get().person

    for url in ("/organisations/QOP/", "/organisations/P00T/", "/organisations/qop-board/", f"/people/{chair.pk}/"):
        html = client.get(url, {"date": TODAY.isoformat()}).content.decode()
        assert html.index("<h1") < html.index("Illustrative holders") < html.index("icsmap-asof"), url
    for url in ("/organisations/QKS/", "/organisations/qks-board/", "/organisations/U91Q/"):
        html = client.get(url, {"date": TODAY.isoformat()}).content.decode()
        assert "Illustrative holders" not in html, url
        assert "Holders not recorded" in html or "Not recorded" in html or url.endswith("U91Q/"), url
