"""The tree service: every structural write keeps the tree whole and obeys the placement rules."""

import pytest

from governance.domain import tree, tree_check
from governance.domain.rules import RuleError
from governance.models import Organisation
from tests.builders import org, seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    icb = org("QOP", "icb")
    place = org("00T", "place", icb)
    pcn = org("U00001", "pcn", place)
    return {"icb": icb, "place": place, "pcn": pcn, "practice": org("P00001", "practice", pcn)}


def test_each_system_is_its_own_tree(system):
    other = org("QAA", "icb")
    org("99A", "place", other)

    assert other.tree_id != system["icb"].tree_id
    before = list(Organisation.objects.filter(tree_id=system["icb"].tree_id).values_list("code", "lft", "rght"))
    org("99B", "place", other)
    after = list(Organisation.objects.filter(tree_id=system["icb"].tree_id).values_list("code", "lft", "rght"))
    assert before == after  # an edit in one system never shifts another system's tree
    assert tree_check.diagnose().ok


def test_move_reparents_the_subtree_and_keeps_the_tree_whole(system):
    bury = org("00V", "place", system["icb"])

    tree.move_organisation(system["pcn"], bury)

    practice = Organisation.objects.get(code="P00001")
    assert [a.code for a in practice.get_ancestors()] == ["QOP", "00V", "U00001"]
    assert tree_check.diagnose().ok


def test_move_into_another_system(system):
    other = org("QAA", "icb")
    place = org("99A", "place", other)

    tree.move_organisation(system["pcn"], place)

    assert Organisation.objects.get(code="P00001").tree_id == other.tree_id
    assert tree_check.diagnose().ok


@pytest.mark.parametrize(
    ("kind", "parent_code", "message"),
    [
        ("practice", "P00001", "practice cannot sit under another practice"),
        ("pcn", "qop-board", "cannot sit under a board"),
        ("icb", "QOP", "root of its system"),
    ],
)
def test_placement_rules_refuse_bad_creates(system, kind, parent_code, message):
    org("qop-board", "board", system["icb"])
    count = Organisation.objects.count()

    with pytest.raises(RuleError, match=message):
        tree.create_organisation(code="NEW", name="New", kind=kind, parent=Organisation.objects.get(code=parent_code))

    assert Organisation.objects.count() == count


def test_a_non_icb_root_is_refused():
    with pytest.raises(RuleError, match="needs a parent"):
        tree.create_organisation(code="X", name="X", kind="place")


def test_move_under_own_descendant_is_a_cycle_and_refused(system):
    with pytest.raises(RuleError, match="cycle"):
        tree.move_organisation(system["place"], system["pcn"])
    assert tree_check.diagnose().ok


def test_move_uses_fresh_rows_not_stale_instances(system):
    stale_pcn = Organisation.objects.get(code="U00001")
    bury = org("00V", "place", system["icb"])
    org("U00002", "pcn", bury)  # shifts lft/rght of nodes the stale instance knew

    tree.move_organisation(stale_pcn, bury)

    assert tree_check.diagnose().ok


def test_update_changes_fields_and_moves_on_parent_change(system):
    bury = org("00V", "place", system["icb"])

    tree.update_organisation(system["pcn"], name="Renamed PCN", parent=bury)

    pcn = Organisation.objects.get(code="U00001")
    assert pcn.name == "Renamed PCN" and pcn.parent_id == bury.pk
    assert tree_check.diagnose().ok


def test_delete_refuses_a_node_with_children_or_seats(system):
    with pytest.raises(RuleError, match="under it"):
        tree.delete_organisation(system["pcn"])
    board = org("qop-board", "board", system["icb"])
    seat(board, "Bolton", represents=system["place"])
    with pytest.raises(RuleError, match="referred to"):
        tree.delete_organisation(board)

    tree.delete_organisation(system["practice"])

    assert not Organisation.objects.filter(code="P00001").exists()
    assert tree_check.diagnose().ok
