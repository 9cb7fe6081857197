"""A system's graphs at every change, built together on the first one asked (``paths.system_graphs``)."""

from unittest import mock

import pytest

from governance.reading import as_of, paths
from tests.builders import SUCCESSIONS_DAY, D, appoint, essex_successions, org, seat, set_top_board

pytestmark = pytest.mark.django_db


@pytest.fixture
def essex():
    """The 2026 Essex successions, with NHS Essex's board, one place seat and holders who change."""
    s = essex_successions()
    board = org("d7t5g-board", "board", s["essex"], name="Essex board", opened=SUCCESSIONS_DAY)
    set_top_board(s["essex"], board)
    s["seat"] = seat(board, "Mid Essex member", represents=s["06Q"])
    appoint(s["seat"], "First Holder", SUCCESSIONS_DAY, D(2026, 6, 30))
    appoint(s["seat"], "Second Holder", D(2026, 8, 1))
    return s


def test_the_sweep_finds_each_change_days_members_as_asked_one_day_at_a_time(essex):
    structure = as_of.england()

    for system in (essex["que"], essex["qh8"], essex["essex"]):
        found = structure.members_by_change(system.pk)
        assert [day for day, _members in found] == structure.change_days(system.pk)
        for day, members in found:
            assert list(members.items()) == list(structure.members_on(system.pk, day).items()), (system.code, day)


def test_every_graph_built_together_gives_the_paths_of_a_graph_built_for_its_day(essex):
    structure = as_of.england()
    system = essex["essex"].pk

    days, graphs = paths.system_graphs(system, structure)

    assert days == structure.change_days(system)
    for day, graph in zip(days, graphs, strict=True):
        alone = paths.load_graphs([system], day, structure=structure)[system]
        assert list(graph.nodes.items()) == list(alone.nodes.items())  # in the same order: pages list by it
        assert [graph.path(pk) for pk in graph.nodes] == [alone.path(pk) for pk in alone.nodes]


def test_a_day_on_which_only_holders_changed_keeps_the_nodes_and_shows_its_holders(essex):
    days, graphs = paths.system_graphs(essex["essex"].pk, as_of.england())
    by_day = dict(zip(days, graphs, strict=True))
    practice = essex["essex_practices"][0].pk

    vacant, held = by_day[D(2026, 7, 1)], by_day[D(2026, 8, 1)]

    assert held.nodes is vacant.nodes
    assert [h["name"] for h in held.path(practice)["layers"][3]["seat"]["holders"]] == ["Second Holder"]
    assert vacant.path(practice)["layers"][3]["seat"]["vacant"]


def test_the_first_graph_asked_of_a_system_builds_all_of_them(essex, django_assert_num_queries):
    system, version = essex["essex"].pk, "v1"
    as_of.england(version)
    days = as_of.england(version).change_days(system)
    assert len(days) >= 3  # opened, a holder left, another came

    with mock.patch.object(paths, "_assemble", wraps=paths._assemble) as assembled:
        paths.cached_graph(system, D(2026, 5, 1), version)
        built = assembled.call_count
        with django_assert_num_queries(0):
            for day in days:
                assert paths.cached_graph(system, day, version).date == day

    assert built >= 1
    assert assembled.call_count == built  # every other change day was already built


def test_a_day_before_anything_began_is_built_alone_and_not_kept(essex):
    with mock.patch.object(paths, "system_graphs", wraps=paths.system_graphs) as together:
        graph = paths.cached_graph(essex["essex"].pk, D(1990, 1, 1), "v1")

    assert graph.nodes == {} and together.call_count == 0
