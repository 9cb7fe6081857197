"""The representation path, rule by rule (DESIGN.md, "The representation path")."""

import pytest

from governance.models import Seat
from governance.reading import ladder
from governance.reading.paths import OrganisationNotOpen, UnknownOrganisation, representation_path
from tests.builders import D, appoint, greater_manchester, org, seat

pytestmark = pytest.mark.django_db

ON = D(2026, 11, 22)


@pytest.fixture
def gm():
    """A Greater-Manchester-shaped system with every seat on the chain held: six hops to the board."""
    return greater_manchester(complete=True)


def codes(path):
    return [layer["organisation"]["code"] for layer in path["layers"]]


def vias(path):
    return [layer["via"] for layer in path["layers"]]


def test_full_chain_uses_member_of_seat_and_reports_to_hops(gm):
    path = representation_path("P00001", ON)

    assert codes(path) == [
        "P00001",
        "U00001",
        "00T",
        "qop-gp-board",
        "qop-primary-care-board",
        "qop-provider-board",
        "qop-board",
    ]
    assert vias(path) == [None, "member_of", "member_of", "seat", "seat", "seat", "reports_to"]
    assert path["distance"] == 6
    assert path["reaches_top"] and path["complete"]
    assert path["system"] == {"code": "QOP", "name": "NHS Greater Manchester ICB"}
    assert path["top_board"] == {"code": "qop-board", "name": "ICB board", "kind": "board"}
    hop = path["layers"][3]["seat"]
    assert hop["label"] == "Bolton locality representative"
    assert hop["delegate"] is True and hop["vacant"] is False
    assert [h["name"] for h in hop["holders"]] == ["Illustrative Holder A"]
    assert hop["holders"][0]["from"] == "2023-04-01" and hop["holders"][0]["to"] is None


def test_sector_seat_is_reported_beside_the_path_never_as_a_hop(gm):
    path = representation_path("P00001", ON)

    assert [s["label"] for s in path["sector_seats"]] == ["Partner member (primary medical services)"]
    sector = path["sector_seats"][0]
    assert sector["sector"] == "general_practice" and sector["delegate"] is False
    assert sector["holders"][0]["name"] == "Illustrative Partner"
    assert all(layer.get("seat", {}).get("label") != sector["label"] for layer in path["layers"])


def test_a_unit_has_no_edge_to_its_own_board(gm):
    """The ICB unit sits right under nothing but owns the board: still no way up from the ICB."""
    path = representation_path("QOP", ON)

    assert path["reaches_top"] is False
    assert path["distance"] is None


def test_vacant_seat_still_makes_the_hop_but_the_chain_is_incomplete(gm):
    gm["gp_seat"].appointments.all().delete()

    path = representation_path("P00001", ON)

    assert path["reaches_top"] is True and path["complete"] is False
    assert path["distance"] == 6
    assert path["layers"][4]["seat"]["vacant"] is True
    assert path["layers"][4]["seat"]["holders"] == []


def test_a_not_recorded_hop_is_neither_vacant_nor_complete(gm):
    gm["gp_seat"].appointments.all().delete()
    Seat.objects.filter(pk=gm["gp_seat"].pk).update(holders_recorded=False)

    path = representation_path("P00001", ON)

    hop = path["layers"][4]["seat"]
    assert hop["label"] == "GP board representative"
    assert (hop["holders_recorded"], hop["vacant"], hop["holders"]) == (False, False, [])
    assert path["reaches_top"] and path["distance"] == 6 and not path["complete"]
    assert all(
        layer["seat"]["holders_recorded"]
        for layer in path["layers"]
        if "seat" in layer and layer is not path["layers"][4]
    )
    text = ladder.render(path)
    assert "NOT RECORDED" in text and "VACANT" not in text
    assert "INCOMPLETE (a seat on the way has its holders not recorded)" in text


def test_holders_are_those_current_at_the_as_of_date(gm):
    gm["bolton_seat"].appointments.update(end=D(2025, 3, 31))
    appoint(gm["bolton_seat"], "Illustrative Successor", D(2025, 6, 1))

    def holders(date):
        return [h["name"] for h in representation_path("P00001", date)["layers"][3]["seat"]["holders"]]

    assert holders(D(2024, 1, 1)) == ["Illustrative Holder A"]
    assert holders(D(2025, 3, 31)) == ["Illustrative Holder A"]  # the end date is the last day in the seat
    assert holders(D(2025, 5, 1)) == []
    assert holders(D(2025, 6, 1)) == ["Illustrative Successor"]
    assert representation_path("P00001", D(2025, 5, 1))["complete"] is False


def test_broken_chain_gives_the_member_of_chain_to_the_root(gm):
    wigan = org("02H", "place", gm["icb"], name="Wigan")
    pcn = org("U00002", "pcn", wigan)
    org("P00002", "practice", pcn)

    path = representation_path("P00002", ON)

    assert path["reaches_top"] is False and path["complete"] is False
    assert path["distance"] is None
    assert codes(path) == ["P00002", "U00002", "02H", "QOP"]
    assert vias(path) == [None, "member_of", "member_of", "member_of"]


def test_system_without_a_top_board_never_reaches_top(gm):
    other = org("QAA", "icb")
    pcn = org("U00003", "pcn", org("99A", "place", other))
    org("P00003", "practice", pcn)

    path = representation_path("P00003", ON)

    assert path["top_board"] is None and path["reaches_top"] is False
    assert codes(path) == ["P00003", "U00003", "99A", "QAA"]


def test_body_under_a_body_reports_to_it_but_a_body_under_a_unit_does_not(gm):
    gm["primary_seat"].delete()  # cut the seat route from the primary care board
    sub = org("qop-primary-sub", "committee", gm["primary"])
    seat(sub, "GP board member", represents=gm["gp"])

    # gp board → sub-committee (seat) → primary care board (reports_to) → but the primary care
    # board sits under the ICB unit, so it has no way to the ICB board.
    path = representation_path("P00001", ON)

    assert path["reaches_top"] is False


def test_closed_practice_is_an_error_and_not_yet_open_too(gm):
    gm["practice"].closed = D(2025, 1, 31)
    gm["practice"].save(update_fields=["closed"])

    with pytest.raises(OrganisationNotOpen, match="closed"):
        representation_path("P00001", D(2025, 2, 1))
    assert representation_path("P00001", D(2025, 1, 31))["reaches_top"]  # still open on its closing day

    late = org("P00009", "practice", gm["pcn"], opened=D(2027, 1, 1))
    with pytest.raises(OrganisationNotOpen, match="had not opened"):
        representation_path(late.code, ON)


def test_unknown_code_is_an_error(gm):
    with pytest.raises(UnknownOrganisation):
        representation_path("NOPE", ON)


def test_closed_bodies_take_no_part(gm):
    gm["gp"].closed = D(2024, 3, 31)
    gm["gp"].save(update_fields=["closed"])

    assert representation_path("P00001", D(2024, 3, 31))["reaches_top"] is True
    assert representation_path("P00001", D(2024, 4, 1))["reaches_top"] is False


def test_top_board_itself_is_distance_zero(gm):
    path = representation_path("qop-board", ON)

    assert path["distance"] == 0 and path["complete"] and codes(path) == ["qop-board"]


class TestTieBreak:
    """Two routes of the same length from Bolton to the primary care board."""

    @pytest.fixture
    def two_routes(self, gm):
        # A second way up: Bolton → LMC forum (seat) → primary care board (seat).
        gm["forum"] = org("qop-a-forum", "board", gm["icb"], name="A forum")
        gm["forum_in"] = seat(gm["forum"], "Bolton member", represents=gm["bolton"])
        gm["forum_up"] = seat(gm["primary"], "Forum representative", represents=gm["forum"])
        appoint(gm["forum_in"], "Illustrative Forum Member")
        appoint(gm["forum_up"], "Illustrative Forum Rep")
        return gm

    def test_more_delegate_seats_win(self, two_routes):
        # The GP board route has two delegate seats; the forum route (alphabetically first) has none.
        assert "qop-gp-board" in codes(representation_path("P00001", ON))

    def test_then_fewer_vacant_hops(self, two_routes):
        for key in ("forum_in", "forum_up"):
            two_routes[key].delegate = True
            two_routes[key].save()
        two_routes["gp_seat"].appointments.all().delete()

        assert "qop-a-forum" in codes(representation_path("P00001", ON))

    def test_then_codes_in_alphabetical_order(self, two_routes):
        for key in ("forum_in", "forum_up"):
            two_routes[key].delegate = True
            two_routes[key].save()

        # Equal delegates and vacancies: qop-a-forum sorts before qop-gp-board.
        assert "qop-a-forum" in codes(representation_path("P00001", ON))

    def test_a_not_recorded_hop_counts_as_not_vacant(self, two_routes):
        for key in ("forum_in", "forum_up"):
            two_routes[key].delegate = True
            two_routes[key].save()
        # The forum route (alphabetically first) has a not-recorded seat, the GP board route a vacant one.
        two_routes["forum_up"].appointments.all().delete()
        Seat.objects.filter(pk=two_routes["forum_up"].pk).update(holders_recorded=False)
        two_routes["gp_seat"].appointments.all().delete()

        path = representation_path("P00001", ON)

        assert "qop-a-forum" in codes(path) and not path["complete"]

    def test_shorter_beats_delegates(self, two_routes):
        # A direct seat for Bolton on the provider board, not a delegate: shortest wins regardless.
        seat(two_routes["provider"], "Bolton direct", represents=two_routes["bolton"])

        path = representation_path("P00001", ON)

        assert path["distance"] == 4
        assert codes(path)[-2:] == ["qop-provider-board", "qop-board"]


def test_query_count_does_not_grow_with_depth(gm, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # the organisation, then England's structure in five
        shallow = representation_path("P00001", ON)

    # Wigan is heard only through a stack of ten committees under the ICB board.
    above = gm["board"]
    for i in range(10):
        above = org(f"qop-layer-{i:02}", "committee", above)
    wigan = org("02H", "place", gm["icb"])
    seat(above, "Wigan representative", represents=wigan)
    org("P00002", "practice", org("U00002", "pcn", wigan))

    with django_assert_max_num_queries(6):
        deep = representation_path("P00002", ON)

    assert shallow["distance"] == 6
    assert deep["distance"] == 2 + 1 + 10  # two member_of hops, the seat, ten reports_to hops


@pytest.mark.django_db(transaction=True)  # real commits: the data version goes up on commit
def test_a_cached_graph_serves_until_a_committed_write_bumps_the_data_version(gm, django_assert_max_num_queries):
    from governance.caching import versioning

    version = versioning.current().counter
    first = representation_path("P00001", ON, version=version)
    first["layers"][3]["seat"]["holders"].append({"name": "Tampered"})  # callers may change what they get

    with django_assert_max_num_queries(1):  # the organisation's lookup; the graph is cached
        again = representation_path("P00001", ON, version=version)
    assert [h["name"] for h in again["layers"][3]["seat"]["holders"]] == ["Illustrative Holder A"]

    gm["bolton_seat"].appointments.all().delete()
    newer = versioning.current().counter

    assert newer > version
    assert representation_path("P00001", ON, version=newer)["complete"] is False
    assert representation_path("P00001", ON, version=version)["complete"] is True  # the old version's answer


def test_a_path_asked_again_for_the_same_data_version_costs_no_query(gm, django_assert_num_queries):
    with django_assert_num_queries(6):  # the organisation, then England's structure in five
        first = representation_path("P00001", ON, version=7)

    with django_assert_num_queries(0):  # both remembered for version 7
        assert representation_path("P00001", ON, version=7) == first
    with django_assert_num_queries(6):  # a new version: both read again
        assert representation_path("P00001", ON, version=8) == first
