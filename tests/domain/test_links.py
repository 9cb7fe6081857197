"""Dated links: the one rule of links, paths across a change of PCN and of system, and today's tree following them
(the structure of any date they make: ``test_england.py``)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from governance import caching
from governance.domain import links, rules, tree, tree_check
from governance.domain.england import Structure
from governance.domain.links import Span
from governance.models import Organisation, Relation
from governance.reading import as_of, paths
from governance.reading.paths import SystemNotOpen, representation_path
from tests.builders import ICBS_ESTABLISHED, D, change_url, link, ods, org, seat, set_top_board

pytestmark = pytest.mark.django_db

MERGER = D(2026, 4, 1)
LAST_DAY = D(2026, 3, 31)
PCN_CHANGE = D(2024, 4, 1)


@pytest.fixture
def essex():
    """Mid and South Essex (closed 31 March 2026) merged into NHS Essex; a practice that changed PCN.

    Today's tree: 99E and everything under it sit in NHS Essex; Mid and South Essex keeps its board.
    """
    old = ods("QH8", "icb", name="NHS Mid and South Essex ICB", opened=ICBS_ESTABLISHED, closed=LAST_DAY)
    new = ods("D7T5G", "icb", name="NHS Essex ICB", opened=MERGER)
    old_board = org(
        "qh8-board", "board", old, name="Mid and South Essex board", opened=ICBS_ESTABLISHED, closed=LAST_DAY
    )
    new_board = org("d7t5g-board", "board", new, name="Essex board", opened=MERGER)
    set_top_board(old, old_board)
    set_top_board(new, new_board)
    place = ods("99E", "place", new, name="Basildon and Brentwood")
    link(place, old, Relation.SUB_ICB_ICB, ICBS_ESTABLISHED, LAST_DAY)
    link(place, new, Relation.SUB_ICB_ICB, MERGER)
    seat(old_board, "Basildon place member", represents=place)
    seat(new_board, "Basildon place member", represents=place)
    first = ods("U11111", "pcn", place, name="First PCN", opened=D(2019, 7, 1))
    second = ods("U22222", "pcn", place, name="Second PCN", opened=D(2019, 7, 1))
    for pcn in (first, second):
        link(pcn, place, Relation.PCN_SUB_ICB, pcn.opened)
    practice = ods("F81001", "practice", second, name="The Surgery", opened=D(1990, 1, 1))
    link(practice, first, Relation.PCN_MEMBER, D(2019, 7, 1), PCN_CHANGE - D.resolution)
    link(practice, second, Relation.PCN_MEMBER, PCN_CHANGE)
    link(practice, place, Relation.PRACTICE_SUB_ICB, D(2013, 4, 1))
    return {"old": old, "new": new, "place": place, "first": first, "second": second, "practice": practice}


def codes(path: dict) -> list[str]:
    return [layer["organisation"]["code"] for layer in path["layers"]]


def test_a_practice_that_changed_pcn_answers_the_old_pcn_the_day_before_and_the_new_one_after(essex):
    before = representation_path("F81001", PCN_CHANGE - D.resolution)
    after = representation_path("F81001", PCN_CHANGE)

    assert codes(before) == ["F81001", "U11111", "99E", "qh8-board"]
    assert codes(after) == ["F81001", "U22222", "99E", "qh8-board"]


def test_a_merged_icbs_practice_is_in_the_old_system_on_its_last_day_and_the_new_one_the_next(essex):
    last = representation_path("F81001", LAST_DAY)
    first = representation_path("F81001", MERGER)

    assert last["system"]["code"] == "QH8" and last["top_board"]["code"] == "qh8-board" and last["reaches_top"]
    assert first["system"]["code"] == "D7T5G" and first["top_board"]["code"] == "d7t5g-board" and first["reaches_top"]


def test_no_path_before_the_icbs_existed(essex):
    with pytest.raises(SystemNotOpen) as refused:
        representation_path("F81001", ICBS_ESTABLISHED - D.resolution)

    message = str(refused.value)
    assert "no open integrated care system on 2022-06-30" in message
    assert "NHS Mid and South Essex ICB (QH8)" in message and "from 1 July 2022 to 31 March 2026" in message


def test_the_command_says_when_the_system_existed_and_exits_1(essex):
    with pytest.raises(CommandError, match="existed from 1 July 2022"):
        call_command("representation_path", "F81001", "--date", "2021-01-01", stdout=io.StringIO())


def test_the_graph_of_one_change_serves_every_day_until_the_next(essex, django_assert_num_queries):
    caching.reset()
    version = "v1"
    paths.cached_graph(essex["new"].pk, D(2026, 6, 1), version)  # builds the structure and the graph

    with django_assert_num_queries(0):
        july = paths.cached_graph(essex["new"].pk, D(2026, 7, 1), version)
        june = paths.cached_graph(essex["new"].pk, D(2026, 6, 1), version)
    assert july.date == D(2026, 7, 1) and june.date == D(2026, 6, 1)
    assert july.nodes is june.nodes  # one graph: the same change key (1 April 2026)
    structure = as_of.england(version)
    assert structure.change_key(essex["new"].pk, D(2026, 7, 1)) == MERGER


def test_a_cached_path_costs_the_same_queries_at_any_date(essex, django_assert_max_num_queries):
    caching.reset()
    for date in (D(2023, 1, 1), LAST_DAY, MERGER, D(2026, 12, 2)):
        with django_assert_max_num_queries(6):  # the organisation, England's structure in five, at most
            representation_path("F81001", date, version=f"v-{date}")
        with django_assert_max_num_queries(0):
            representation_path("F81001", date, version=f"v-{date}")


def test_two_links_of_one_relation_on_the_same_day_are_refused():
    spans = [
        Span("F81001", Relation.PCN_MEMBER, "U11111", D(2019, 7, 1), D(2024, 4, 1)),
        Span("F81001", Relation.PCN_MEMBER, "U22222", D(2024, 4, 1), None),
    ]
    with pytest.raises(rules.RuleError, match="two links 'pcn_member' on the same days"):
        links.check_links(spans)

    links.check_links([spans[0], Span("F81001", Relation.PCN_MEMBER, "U22222", D(2024, 4, 2), None)])
    links.check_links([spans[0], Span("F81001", Relation.PRACTICE_SUB_ICB, "99E", None, None)])  # another relation


def test_a_link_saved_by_hand_must_join_the_right_kinds_and_not_overlap(essex):
    practice, first = essex["practice"], essex["first"]
    clash = practice.links_up.model(child=practice, parent=first, relation=Relation.PCN_MEMBER, start=D(2025, 1, 1))
    with pytest.raises(rules.RuleError, match="two links"):
        links.check_link(clash)
    wrong = practice.links_up.model(child=practice, parent=essex["new"], relation=Relation.PCN_MEMBER)
    with pytest.raises(rules.RuleError, match="joins a practice to a pcn, not a practice to a icb"):
        links.check_link(wrong)


def test_a_dated_change_falling_due_moves_the_node_and_the_tree_stays_whole(essex):
    practice = essex["practice"]
    joins = D(2027, 1, 1)
    third = ods("U33333", "pcn", essex["place"], name="Third PCN", opened=D(2026, 10, 1))
    link(third, essex["place"], Relation.PCN_SUB_ICB, third.opened)
    current = practice.links_up.get(relation=Relation.PCN_MEMBER, end__isnull=True)
    current.end = joins - D.resolution
    current.save()
    link(practice, third, Relation.PCN_MEMBER, joins)

    assert links.apply_due_changes(joins - D.resolution) == []  # not yet due
    assert Organisation.objects.get(code="F81001").parent.code == "U22222"

    assert links.apply_due_changes(joins) == [("F81001", "U22222", "U33333")]
    assert Organisation.objects.get(code="F81001").parent.code == "U33333"
    assert tree_check.diagnose().ok
    assert links.apply_due_changes(joins) == []  # idempotent


def test_apply_due_changes_moves_a_place_to_its_new_system_on_the_day(essex):
    place = Organisation.objects.get(code="99E")
    # As the tree stood before 1 April 2026: the place still under Mid and South Essex.
    tree.move_organisation(place, essex["old"], following_links=True)
    assert Organisation.objects.get(code="F81001").tree_id == essex["old"].tree_id

    out = io.StringIO()
    call_command("apply_due_changes", "--date", "2026-04-01", stdout=out)

    assert "99E: QH8 → D7T5G" in out.getvalue()
    assert Organisation.objects.get(code="F81001").tree_id == Organisation.objects.get(code="D7T5G").tree_id
    assert tree_check.diagnose().ok


def test_apply_due_changes_refuses_a_bad_date():
    with pytest.raises(CommandError, match="is not a date in the form YYYY-MM-DD"):
        call_command("apply_due_changes", "--date", "2026-02-30", stdout=io.StringIO())


def test_rows_governance_keeps_stay_where_governance_put_them(essex):
    practice = essex["practice"]
    practice.source = "governance"
    practice.save(update_fields=["source"])

    assert all(org.code != "F81001" for org, _parent in links.due_moves(D(2020, 1, 1)))  # its links say U11111
    assert Structure.load().parent_on(practice.pk, D(2020, 1, 1)) == essex["second"].pk  # its tree parent


def test_the_admin_shows_an_organisations_links_and_offers_no_change(admin_client, essex):
    page = admin_client.get(change_url(essex["practice"])).content.decode().lower()

    assert "dated links (where it belonged, and when; kept by the ods import)" in page
    assert "first pcn" in page and "second pcn" in page and "31 mar 2024" in page
    assert 'name="links_up-0-start"' not in page  # read-only: no inputs


def test_check_tree_says_when_todays_tree_does_not_follow_todays_links_and_fix_applies_them(essex):
    tree.move_organisation(Organisation.objects.get(code="F81001"), essex["first"], following_links=True)

    with pytest.raises(CommandError, match="1 organisation\\(s\\) are not where today's links put them"):
        call_command("check_tree", stdout=io.StringIO())
    call_command("check_tree", "--fix", stdout=io.StringIO())

    assert Organisation.objects.get(code="F81001").parent.code == "U22222"
    call_command("check_tree", stdout=io.StringIO())


def test_no_path_for_a_unit_under_a_parent_not_yet_open(essex):
    """Placed by its tree parent (no links), under a PCN that opened later: in no system before that day."""
    late = org("U44444", "pcn", essex["place"], name="Late PCN", opened=D(2026, 6, 1))
    org("F81999", "practice", late, name="Governance Surgery", opened=D(2000, 1, 1))

    with pytest.raises(SystemNotOpen):
        representation_path("F81999", D(2026, 5, 31))
    assert representation_path("F81999", D(2026, 6, 1))["system"]["code"] == "D7T5G"
