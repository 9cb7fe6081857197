"""A system's graphs at every change, built together on the first one asked (``graph.system_graphs``),
and kept until what they are built from changes: England's organisations and links, or the seats and
holders of their own system (``paths.built_from``)."""

from unittest import mock

import pytest

from governance.caching import versioning
from governance.reading import as_of, paths
from governance.reading import graph as graphs_of
from tests.builders import (
    ICBS_ESTABLISHED,
    SUCCESSIONS_DAY,
    D,
    appoint,
    board_only,
    commit_now,
    essex_successions,
    greater_manchester,
    org,
    seat,
    set_top_board,
)

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

    days, graphs = graphs_of.system_graphs(system, structure)

    assert days == structure.change_days(system)
    for day, graph in zip(days, graphs, strict=True):
        alone = graphs_of.load_graphs([system], day, structure=structure)[system]
        assert list(graph.nodes.items()) == list(alone.nodes.items())  # in the same order: pages list by it
        assert [graph.path(pk) for pk in graph.nodes] == [alone.path(pk) for pk in alone.nodes]


def test_a_day_on_which_only_holders_changed_keeps_the_nodes_and_shows_its_holders(essex):
    days, graphs = graphs_of.system_graphs(essex["essex"].pk, as_of.england())
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

    with mock.patch.object(graphs_of, "_assemble", wraps=graphs_of._assemble) as assembled:
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


# --- what a write costs readers ---------------------------------------------------------------------

ON = D(2026, 11, 22)


@pytest.fixture
def two_systems():
    """Greater Manchester (QOP, P00001 heard through Bolton's seat) and Kent (QKM, G82001), committed."""
    s = {"gm": greater_manchester(complete=True), "kent": board_only(opened=ICBS_ESTABLISHED)}
    commit_now()
    return s


def committed() -> str:
    """The data version once the test's writes are committed (as a server reads it)."""
    commit_now()
    return versioning.current().key


@pytest.fixture
def builds():
    """The systems whose graphs were built, in order."""
    with mock.patch.object(paths, "system_graphs", wraps=paths.system_graphs) as built:
        yield lambda: [call.args[0] for call in built.call_args_list]


def bolton_seat_label(path: dict) -> str:
    return next(layer["seat"]["label"] for layer in path["layers"] if layer["via"] == graphs_of.SEAT)


def test_a_seat_renamed_in_one_system_is_seen_at_once_and_leaves_the_other_systems_graphs(
    two_systems, builds, django_assert_num_queries
):
    gm, kent = two_systems["gm"], two_systems["kent"]
    version = committed()
    paths.representation_path("P00001", ON, version=version)
    kent_path = paths.representation_path("G82001", ON, version=version)

    gm["bolton_seat"].label = "Bolton member"
    gm["bolton_seat"].save()
    newer = committed()

    with django_assert_num_queries(2):  # England's seats and holders; its organisations and the lookup kept
        assert bolton_seat_label(paths.representation_path("P00001", ON, version=newer)) == "Bolton member"
    with django_assert_num_queries(0):  # Kent's lookup and graphs kept
        assert paths.representation_path("G82001", ON, version=newer) == kent_path
    assert builds() == [gm["icb"].pk, kent["icb"].pk, gm["icb"].pk]
    assert as_of.england(newer).units is as_of.england(version).units


def test_a_new_holder_in_one_system_is_seen_at_once_and_rebuilds_that_system_alone(two_systems, builds):
    gm, kent = two_systems["gm"], two_systems["kent"]
    version = committed()
    paths.representation_path("P00001", ON, version=version)
    paths.representation_path("G82001", ON, version=version)

    appoint(kent["chair"], "Kent Chair", D(2026, 1, 1))
    kent["chair"].holders_recorded = True
    kent["chair"].save()
    newer = committed()

    (chair,) = paths.graph_for(kent["practice"].pk, ON, newer).seats
    assert [holder["name"] for holder in chair.holders] == ["Kent Chair"]
    paths.representation_path("P00001", ON, version=newer)
    assert builds() == [gm["icb"].pk, kent["icb"].pk, kent["icb"].pk]


def test_an_organisation_renamed_is_seen_at_once_and_every_systems_graphs_are_built_again(
    two_systems, builds, django_assert_num_queries
):
    gm, kent = two_systems["gm"], two_systems["kent"]
    version = committed()
    paths.representation_path("P00001", ON, version=version)
    paths.representation_path("G82001", ON, version=version)

    kent["practice"].name = "Medway Health Centre"
    kent["practice"].save()
    newer = committed()

    with django_assert_num_queries(6):  # the lookup, and all of England again
        assert paths.representation_path("G82001", ON, version=newer)["organisation"]["name"] == "Medway Health Centre"
    paths.representation_path("P00001", ON, version=newer)
    assert sorted(builds()) == sorted([gm["icb"].pk, kent["icb"].pk] * 2)


def test_a_seat_renamed_back_finds_its_systems_graphs_of_before_still_kept(two_systems, builds):
    gm = two_systems["gm"]
    label = gm["bolton_seat"].label
    for name in ("Bolton member", label, "Bolton member", label):
        gm["bolton_seat"].label = name
        gm["bolton_seat"].save()
        assert bolton_seat_label(paths.representation_path("P00001", ON, version=committed())) == name

    assert builds() == [gm["icb"].pk] * 2  # each label's graphs built once: a system keeps its latest two
