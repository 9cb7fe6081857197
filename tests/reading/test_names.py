"""Names of their dates (DESIGN.md, "Names of their dates"): what is shown as of a date names every unit by
the name it bore that day (``Structure.name_on``), in the path JSON and its ladder, the practice page's layers,
the system diagram, the timeline and the feeds, search, compare and the home page's systems; a system's graphs
cached either side of a renaming day differ only there.

Built on ``builders.history()``: Staying Surgery (F81002) is in Chelmsford North PCN in Mid Essex (06Q), whose
seat on NHS Mid and South Essex's board (QH8) is its route. Mid Essex and QH8 are renamed on 1 January 2025,
a day on which nothing else changed.
"""

import dataclasses
import datetime
import json

import pytest

from governance.models import Relation
from governance.reading import as_of, ladder, paths
from governance.reading.changes import recent_changes
from governance.reading.comparison import compare_systems
from governance.reading.directory import systems_by_region
from governance.reading.paths import representation_path
from governance.reading.search import search_organisations
from governance.reading.timeline import timeline
from tests.builders import D, history, link, ods, rename, renamed_essex

pytestmark = pytest.mark.django_db

RENAMED = D(2025, 1, 1)
BEFORE, AFTER = RENAMED - datetime.timedelta(days=1), RENAMED
OLD, NEW = "NHS Mid Essex CCG - 06Q", "NHS Mid and South Essex ICB - 06Q"
OLD_SYSTEM, NEW_SYSTEM = "NHS Mid and South Essex Integrated Care Board", "NHS Mid and South Essex ICB"


@pytest.fixture
def s():
    s = history()
    rename(s["place"], RENAMED, OLD, NEW, source="renames.csv")
    rename(s["old"], RENAMED, OLD_SYSTEM, NEW_SYSTEM, source="renames.csv")
    return s


def names(path: dict) -> list[str]:
    return [layer["organisation"]["name"] for layer in path["layers"]]


def test_a_path_names_each_unit_by_its_name_of_the_day(s):
    before, after = representation_path("F81002", BEFORE), representation_path("F81002", AFTER)

    assert names(before) == ["Staying Surgery", "Chelmsford North PCN", OLD, "NHS Mid and South Essex ICB board"]
    assert names(after) == ["Staying Surgery", "Chelmsford North PCN", NEW, "NHS Mid and South Essex ICB board"]
    assert before["system"]["name"] == OLD_SYSTEM and after["system"]["name"] == NEW_SYSTEM
    # The PCN's parent link names its place as of the day too.
    assert before["layers"][1]["parent_link"]["parent"]["name"] == OLD
    assert after["layers"][1]["parent_link"]["parent"]["name"] == NEW


def test_the_ladder_text_names_the_place_of_the_day(s):
    before, after = (ladder.render(representation_path("F81002", day)) for day in (BEFORE, AFTER))

    assert f"{OLD} (06Q, place)" in before and NEW not in before
    assert f"{NEW} (06Q, place)" in after and OLD not in after


def test_graphs_cached_either_side_of_the_renaming_day_differ_only_in_the_names(s):
    system, version = s["old"].pk, "v1"
    renamed = {s["place"].pk, system}
    assert as_of.england(version).change_key(system, BEFORE) < RENAMED  # the graph before was built earlier

    before, after = paths.cached_graph(system, BEFORE, version), paths.cached_graph(system, AFTER, version)

    assert list(before.nodes) == list(after.nodes)
    for pk, node in before.nodes.items():
        if pk in renamed:  # a new node on its renaming day, the same but for its name
            renamed_node = after.nodes[pk]
            assert renamed_node is not node and dataclasses.replace(node, name=renamed_node.name) == renamed_node
            assert renamed_node.name != node.name
        else:  # the others are the very same nodes
            assert after.nodes[pk] is node
    for pk in before.nodes:
        said_before = json.dumps(before.path(pk)).replace(OLD, NEW).replace(OLD_SYSTEM, NEW_SYSTEM)
        assert said_before.replace(BEFORE.isoformat(), AFTER.isoformat()) == json.dumps(after.path(pk))


def test_the_practice_page_shows_the_layers_by_their_names_of_the_day(client, s):
    before = client.get("/organisations/F81002/", {"date": BEFORE.isoformat()}).content.decode()
    after = client.get("/organisations/F81002/", {"date": AFTER.isoformat()}).content.decode()

    assert OLD in before and NEW not in before
    assert NEW in after and OLD not in after


@pytest.mark.parametrize("code", ["06Q", "QH8"])
def test_the_place_and_system_pages_of_a_day_say_its_names_alone(client, code, s):
    before = client.get(f"/organisations/{code}/", {"date": BEFORE.isoformat()}).content.decode()
    after = client.get(f"/organisations/{code}/", {"date": AFTER.isoformat()}).content.decode()

    assert OLD in before and NEW not in before
    assert NEW in after and OLD not in after.replace(f"“{OLD}”", "")  # but among the place's earlier names


def test_the_system_diagram_draws_the_place_by_its_name_of_the_day(client, s):
    before = client.get("/organisations/QH8/diagram.svg", {"date": BEFORE.isoformat()}).content.decode()
    after = client.get("/organisations/QH8/diagram.svg", {"date": AFTER.isoformat()}).content.decode()

    assert f"{OLD} has a seat on" in before and NEW not in before
    assert f"{NEW} has a seat on" in after and OLD not in after
    assert f"Governance of {OLD_SYSTEM} on" in before and f"Governance of {NEW_SYSTEM} on" in after


def test_the_timeline_tells_each_event_in_the_names_of_its_day(s):
    for code, opened in (("U00103", D(2024, 6, 1)), ("U00104", D(2025, 6, 1))):
        network = ods(code, "pcn", s["place"], name=f"PCN opened {opened}", opened=opened)
        link(network, s["place"], Relation.PCN_SUB_ICB, start=opened)

    told = timeline("QH8", D(2024, 1, 1), D(2025, 12, 31))
    texts = {event["organisation"]["code"]: event["text"] for event in told["events"] if event["kind"] == "opened"}

    assert OLD in texts["U00103"] and NEW in texts["U00104"]
    assert told["system"]["name"] == NEW_SYSTEM  # as of the period's end


def test_a_departure_is_told_in_the_names_of_its_last_day_and_an_arrival_in_those_of_its_first():
    renamed_essex()  # Mid Essex (06Q) moved from QH8 to NHS Essex and was renamed on the same day

    left = [e for e in timeline("QH8", D(2026, 1, 1), D(2026, 12, 31))["events"] if e["kind"] == "left"]
    joined = [e for e in timeline("D7T5G", D(2026, 1, 1), D(2026, 12, 31))["events"] if e["kind"] == "joined"]

    assert [e["organisation"]["name"] for e in left] == ["NHS Mid and South Essex ICB - 06Q"]
    assert [e["organisation"]["name"] for e in joined] == ["NHS Essex ICB - 06Q"]
    assert left[0]["text"].startswith("NHS Mid and South Essex ICB - 06Q (06Q) left the system")


def test_the_feeds_search_compare_and_the_home_page_name_by_the_day(s):
    for code, opened in (("U00103", D(2024, 6, 1)), ("U00104", D(2025, 6, 1))):
        network = ods(code, "pcn", s["place"], name=f"PCN opened {opened}", opened=opened)
        link(network, s["place"], Relation.PCN_SUB_ICB, start=opened)

    told = {c.organisation: c.description for c in recent_changes(s["old"].pk, D(2025, 12, 31)) if c.kind == "opened"}
    assert f"opened in {OLD} (06Q)" in told["U00103"] and f"opened in {NEW} (06Q)" in told["U00104"]
    found = {r["code"]: r for r in search_organisations("Staying", BEFORE)[0]}
    assert found["F81002"]["system"]["name"] == OLD_SYSTEM
    assert {r["code"]: r["name"] for r in compare_systems(BEFORE)["rows"]}["QH8"] == OLD_SYSTEM
    assert {r["code"]: r["name"] for r in compare_systems(AFTER)["rows"]}["QH8"] == NEW_SYSTEM
    home = [system for region in systems_by_region(BEFORE) for system in region["systems"]]
    assert {system["code"]: system["name"] for system in home}["QH8"] == OLD_SYSTEM
