"""check_tree finds corruption of the MPTT cache and --fix repairs it from parent links."""

import pytest
from django.core.management import CommandError, call_command

from governance.domain import tree_check
from governance.models import Organisation
from tests.builders import org

pytestmark = pytest.mark.django_db


@pytest.fixture
def systems():
    for icb_code in ("QOP", "QAA"):
        icb = org(icb_code, "icb")
        for p in range(3):
            place = org(f"{icb_code}-P{p}", "place", icb)
            org(f"{icb_code}-P{p}-PCN", "pcn", place)


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("check_tree", *args, stdout=out)
    return out.getvalue()


def test_a_whole_tree_passes(systems):
    assert "Tree OK: 14 organisations" in run()


@pytest.mark.parametrize(
    "corrupt",
    [
        {"lft": 99},
        {"rght": 1},
        {"level": 7},
        {"tree_id": 999},
    ],
)
def test_corruption_is_listed_and_fixed(systems, corrupt):
    Organisation.objects.filter(code="QOP-P1").update(**corrupt)

    with pytest.raises(CommandError, match="wrong tree fields"):
        run()

    output = run("--fix")

    assert "QOP-P1" in output and "Rebuilt" in output
    assert "Tree OK" in run()
    # The fix follows parent links: the pcn is still under its place.
    assert Organisation.objects.get(code="QOP-P1-PCN").get_ancestors().last().code == "QOP-P1"


def test_a_parent_link_changed_behind_mptt_s_back_is_caught_and_rebuilt(systems):
    # parent is the truth: a raw update of parent_id leaves lft/rght stale.
    Organisation.objects.filter(code="QOP-P2-PCN").update(parent=Organisation.objects.get(code="QOP-P0"))

    problems = {p.code for p in tree_check.diagnose().problems}
    assert "QOP-P2-PCN" in problems

    run("--fix")

    assert tree_check.diagnose().ok
    assert Organisation.objects.get(code="QOP-P2-PCN").get_ancestors().last().code == "QOP-P0"


def test_a_cycle_is_reported_and_not_fixed(systems):
    a = Organisation.objects.get(code="QOP-P0")
    Organisation.objects.filter(pk=a.pk).update(parent=Organisation.objects.get(code="QOP-P0-PCN"))

    diagnosis = tree_check.diagnose()
    assert set(diagnosis.cycles) == {"QOP-P0", "QOP-P0-PCN"}
    with pytest.raises(CommandError, match="cycle"):
        run("--fix")


def test_duplicate_root_tree_ids_are_separated(systems):
    qop = Organisation.objects.get(code="QOP")
    Organisation.objects.filter(tree_id=Organisation.objects.get(code="QAA").tree_id).update(tree_id=qop.tree_id)

    assert not tree_check.diagnose().ok
    run("--fix")

    assert Organisation.objects.get(code="QOP").tree_id != Organisation.objects.get(code="QAA").tree_id
    assert tree_check.diagnose().ok


def test_nested_set_numbers_walk_depth_first_with_children_in_the_order_given():
    children = {"icb": ["b-place", "a-place"], "a-place": ["pcn"]}

    numbers = tree_check.nested_set_numbers("icb", children, order=lambda code: code)

    assert numbers == {
        "icb": (1, 8, 0),
        "a-place": (2, 5, 1),
        "pcn": (3, 4, 2),
        "b-place": (6, 7, 1),
    }
