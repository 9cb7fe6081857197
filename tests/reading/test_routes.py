"""Routes told apart (DESIGN.md, "Routes"): reaches, broken, not recorded, on small built systems.

The path's ``route``, the voice figures (counts by route, shares over recorded routes only), the
ladder of the command, the pictures' text and the LMC footprint's counts.
"""

import pytest

from governance.models import Coverage
from governance.reading import ladder, lmc, pictures, voice
from governance.reading.graph import SystemGraph
from governance.reading.paths import representation_path
from tests.builders import D, board_only, greater_manchester, org, seat

pytestmark = pytest.mark.django_db

ON = D(2026, 6, 1)


@pytest.fixture
def gm():
    """Greater Manchester's shape with a gap: Wigan (02H) is recorded, and no seat speaks for it."""
    s = greater_manchester(complete=True)
    s["wigan"] = org("02H", "place", s["icb"], name="Wigan")
    s["wigan_practice"] = org("P00021", "practice", org("U00021", "pcn", s["wigan"], name="Wigan PCN"))
    return s


def route_of(code: str) -> str:
    return representation_path(code, ON)["route"]


def test_a_recorded_route_reaches(gm):
    path = representation_path("P00001", ON)

    assert (path["route"], path["reaches_top"], path["complete"]) == ("reaches", True, True)


def test_a_gap_in_a_recorded_structure_is_broken(gm):
    path = representation_path("P00021", ON)

    assert (path["route"], path["reaches_top"], path["complete"]) == ("broken", False, False)


def test_a_board_alone_records_no_route(db):
    board_only()
    path = representation_path("G82001", ON)

    assert (path["route"], path["reaches_top"], path["complete"]) == ("not_recorded", False, False)
    assert route_of("91Q") == "not_recorded"


def test_a_system_that_says_its_routes_are_recorded_has_broken_chains(db):
    board_only(routes_recorded=True)

    assert route_of("G82001") == "broken"


def test_a_top_board_seat_for_an_organisation_records_the_routes(db):
    s = board_only()
    seat(s["board"], "Medway place member", represents=s["place"])
    org("G82009", "practice", org("91R", "place", s["icb"], name="Swale"))

    assert route_of("G82001") == "reaches"
    assert route_of("G82009") == "broken"  # the system's structure is recorded; Swale has no seat


def test_a_place_says_for_the_units_below_it(gm):
    gm["wigan"].routes_recorded = False
    gm["wigan"].save()

    assert route_of("P00021") == "not_recorded"
    assert route_of("P00001") == "reaches"  # a route that reaches is reaches, wherever it starts


def test_a_place_that_records_its_routes_in_a_system_that_does_not(db):
    s = board_only()
    s["place"].routes_recorded = True
    s["place"].save()

    assert route_of("G82001") == "broken"


def test_no_top_board_records_no_route(db):
    icb = org("QHM", "icb", name="NHS North East ICB")
    org("A81001", "practice", org("U81001", "pcn", org("00L", "place", icb)))

    path = representation_path("A81001", ON)

    assert (path["route"], path["top_board"]) == ("not_recorded", None)


def test_voice_counts_by_route_and_shares_only_over_recorded_routes(db):
    s = board_only(code="QKS")
    seat(s["board"], "Medway place member", represents=s["place"])  # records the routes: Swale breaks
    swale = org("91R", "place", s["icb"], name="Swale", routes_recorded=False)  # but Swale says not
    org("G82009", "practice", org("U91009", "pcn", swale, name="Swale PCN"))

    summary = voice.summarise(SystemGraph.load(s["icb"].pk, ON))
    practices = summary["practices"]

    assert practices["routes"] == {"reaches": 2, "broken": 0, "not_recorded": 1}
    assert (practices["recorded"], practices["share_reaching_top"]) == (2, 1.0)
    assert summary["breaks"] == []
    assert summary["unrecorded"] == [{"organisation": swale_json(), "practices": 1}]
    assert voice.routes_in_words(summary) == (
        "Practices' routes to NHS Kent and Medway ICB Board: 2 reach it, 0 broken, 1 not recorded."
    )


def swale_json() -> dict:
    return {"code": "91R", "name": "Swale", "kind": "place"}


def test_voice_of_a_board_alone_has_no_share_and_no_break(db):
    s = board_only()
    summary = voice.summarise(SystemGraph.load(s["icb"].pk, ON))

    assert summary["practices"]["routes"] == {"reaches": 0, "broken": 0, "not_recorded": 2}
    assert summary["practices"]["share_reaching_top"] is None
    assert summary["breaks"] == []
    assert [(u["organisation"]["code"], u["practices"]) for u in summary["unrecorded"]] == [("91Q", 2)]
    assert summary["places"][0] | {"organisation": None} == {
        "organisation": None,
        "pcns": 1,
        "practices": 2,
        "reaching_top": 0,
        "complete": 0,
        "broken": 0,
        "not_recorded": 2,
    }


def test_voice_keeps_a_recorded_gap_as_a_break(gm):
    summary = voice.summarise(SystemGraph.load(gm["icb"].pk, ON))

    assert summary["practices"]["routes"] == {"reaches": 1, "broken": 1, "not_recorded": 0}
    assert [b["organisation"]["code"] for b in summary["breaks"]] == ["02H"]
    assert summary["unrecorded"] == []


def test_the_command_ladder_says_each_route_in_words(gm):
    board_only()

    assert "complete" in ladder.render(representation_path("P00001", ON)).splitlines()[1]
    assert ladder.render(representation_path("P00021", ON)).splitlines()[1].startswith("BROKEN CHAIN: no route")
    unrecorded = ladder.render(representation_path("G82001", ON))
    assert unrecorded.splitlines()[1].startswith("NO ROUTE RECORDED: nothing recorded says whether a route reaches")
    assert "BROKEN" not in unrecorded


def test_the_ladder_picture_says_each_route_in_words(gm):
    board_only()

    _dot, _title, broken = pictures.ladder_diagram(representation_path("P00021", ON))
    dot, _title, unrecorded = pictures.ladder_diagram(representation_path("G82001", ON))

    assert broken.startswith("Broken chain: no route from")
    assert unrecorded.startswith("No route recorded: nothing recorded says whether a route leads from Medway Surgery")
    assert "no route recorded" in dot.source and "chain breaks" not in dot.source


def test_the_diagram_marks_routes_not_recorded_apart_from_breaks(db):
    s = board_only(code="QKS")
    seat(s["board"], "Medway place member", represents=s["place"])
    org("G82009", "practice", org("U91009", "pcn", org("91R", "place", s["icb"], name="Swale")))
    swale_said = org("G82010", "practice", org("U91010", "pcn", org("91S", "place", s["icb"], routes_recorded=False)))

    dot, _title, words = pictures.system_diagram(SystemGraph.load(s["icb"].pk, ON))

    assert "Chains break at Swale: 1 practice." in words
    assert "No route recorded above 91S: 1 practice." in words
    assert "no route recorded: 1 practice" in dot.source and swale_said.code not in words


def test_an_lmc_footprint_counts_routes_not_recorded_apart(db):
    s = board_only()
    kent_lmc = org("kent-lmc", "lmc", s["icb"], name="Kent LMC")
    Coverage.objects.create(lmc=kent_lmc, covered=s["place"])
    footprint = lmc.footprint(kent_lmc, SystemGraph.load(s["icb"].pk, ON))

    assert footprint["breaks"] == []
    assert (footprint["practices"], footprint["not_recorded"], footprint["reaching_top"]) == (2, 2, 0)
    assert [(u["organisation"]["code"], u["practices"]) for u in footprint["unrecorded"]] == [("91Q", 2)]
