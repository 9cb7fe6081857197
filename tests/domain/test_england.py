"""England's structure of a date (``governance.domain.england``): where every unit sits on any day, by the one
rule of links that today's tree (``links.tree_parent``: the importer and ``due_moves``) follows too.

Built on ``builders.history()``: Moving Surgery left Chelmsford North for South on 1 April 2024; Mid Essex
was NHS Mid and South Essex's (QH8) until 31 March 2026 and is NHS Essex's (D7T5G) since.
"""

import datetime

import pytest

from governance.domain import links, tree
from governance.domain.england import Name, Structure
from governance.domain.links import Span
from governance.domain.periods import Period
from governance.models import Link, Organisation, Relation
from tests.builders import (
    ICBS_ESTABLISHED,
    ICBS_LAST_DAY,
    PCN_MOVE_DAY,
    SUCCESSIONS_DAY,
    D,
    history,
    link,
    ods,
    org,
    rename,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def s():
    return history()


def test_a_unit_sits_where_its_links_put_it_that_day(s):
    structure = Structure.load()
    moving = s["moving"].pk

    assert structure.parent_on(moving, PCN_MOVE_DAY - DAY) == s["north"].pk
    assert structure.parent_on(moving, PCN_MOVE_DAY) == s["south"].pk
    assert structure.system_on(moving, ICBS_LAST_DAY) == s["old"].pk
    assert structure.system_on(moving, SUCCESSIONS_DAY) == s["new"].pk
    assert [structure.units[pk].code for pk in structure.ancestors_on(moving, ICBS_LAST_DAY)] == [
        "QH8",
        "06Q",
        "U00102",
    ]


def test_members_of_a_system_are_those_of_the_date(s):
    structure = Structure.load()
    old, new, moving = s["old"].pk, s["new"].pk, s["moving"].pk

    assert moving in structure.members_on(old, ICBS_LAST_DAY) and moving not in structure.members_on(new, ICBS_LAST_DAY)
    assert moving in structure.members_on(new, SUCCESSIONS_DAY) and moving not in structure.members_on(
        old, SUCCESSIONS_DAY
    )
    assert structure.members_on(old, SUCCESSIONS_DAY) == {}  # closed: nothing in it
    assert [unit.code for unit in structure.systems_on(ICBS_LAST_DAY)] == ["QH8"]
    assert [unit.code for unit in structure.systems_on(SUCCESSIONS_DAY)] == ["D7T5G"]


def test_a_pcn_closing_in_another_system_is_a_change_of_this_one(s):
    """The practice falls back to its own place when its PCN, run from elsewhere, closes: a change day here."""
    elsewhere = ods("QXX", "icb", name="Elsewhere ICB", opened=ICBS_ESTABLISHED)
    far = ods("99X", "place", elsewhere)
    link(far, elsewhere, Relation.SUB_ICB_ICB, ICBS_ESTABLISHED)
    closing = ods("U99999", "pcn", far, opened=D(2019, 7, 1), closed=D(2026, 8, 31))
    link(closing, far, Relation.PCN_SUB_ICB, closing.opened, closing.closed)
    moving = s["moving"]
    moving.links_up.filter(relation=Relation.PCN_MEMBER, end__isnull=True).update(end=D(2026, 5, 31))
    link(moving, closing, Relation.PCN_MEMBER, D(2026, 6, 1))
    structure = Structure.load()

    assert structure.system_on(moving.pk, D(2026, 8, 31)) == elsewhere.pk
    assert structure.system_on(moving.pk, D(2026, 9, 1)) == s["new"].pk  # back under 06Q
    assert structure.change_key(s["new"].pk, D(2026, 9, 15)) == D(2026, 9, 1)


def test_a_unit_under_a_parent_not_yet_open_is_in_no_system_that_day(s):
    """Placed by its tree parent (no links), under a PCN that opened later: no system before that day."""
    late = org("U44444", "pcn", s["place"], name="Late PCN", opened=D(2026, 6, 1))
    practice = org("F81999", "practice", late, name="Governance Surgery", opened=D(2000, 1, 1))
    structure = Structure.load()

    assert structure.system_on(practice.pk, D(2026, 5, 31)) is None
    assert practice.pk not in structure.members_on(s["new"].pk, D(2026, 5, 31))
    assert structure.system_on(practice.pk, D(2026, 6, 1)) == s["new"].pk


# One rule: the page of a day, today's tree and the importer place a unit alike ---------------------------


@pytest.fixture
def outlived(s):
    """Staying Surgery closed on 30 September 2026, after its PCN (North) closed on 31 August 2026, its
    membership never ended: on its last day it was in no open PCN, so under its place."""
    north, staying = s["north"], s["staying"]
    Organisation.objects.filter(pk=north.pk).update(closed=D(2026, 8, 31))
    Organisation.objects.filter(pk=staying.pk).update(closed=D(2026, 9, 30))
    return s


def test_a_closed_unit_sits_where_it_was_on_its_last_day_in_the_structure_and_in_todays_tree(outlived):
    s, today = outlived, D(2026, 12, 2)
    staying = s["staying"].pk
    structure = Structure.load()

    assert structure.placed_on(staying, today) == (s["place"].pk, s["new"].pk)
    assert structure.tree_parent_today(staying, today) == s["place"].pk
    assert [(org.code, parent.code) for org, parent in links.due_moves(today)] == [("F81002", "06Q")]
    links.apply_due_changes(today)
    assert Organisation.objects.get(pk=staying).parent_id == s["place"].pk
    assert links.due_moves(today) == []


def test_the_importers_rule_of_today_is_the_structures():
    """``links.tree_parent`` on the importer's own spans (codes, not rows) gives what the structure gives."""
    opened = {"U00101": Period(None, D(2026, 8, 31)), "06Q": Period()}
    spans = [
        Span("F81002", Relation.PCN_MEMBER, "U00101", None, None),
        Span("F81002", Relation.PRACTICE_SUB_ICB, "06Q", None, None),
    ]

    def is_open(code, day):
        return opened[code].holds_on(day)

    closed_after_its_pcn = Period(None, D(2026, 9, 30))
    assert links.tree_parent("practice", spans, closed_after_its_pcn, D(2026, 12, 2), is_open) == "06Q"
    assert links.tree_parent("practice", spans, Period(None, D(2026, 8, 31)), D(2026, 12, 2), is_open) == "U00101"
    only_its_pcn = spans[:1]  # no open parent on its last day: the link in force that day, open or not
    assert links.tree_parent("practice", only_its_pcn, closed_after_its_pcn, D(2026, 12, 2), is_open) == "U00101"


def test_due_moves_read_englands_units_and_links_in_three_queries(s, django_assert_num_queries):
    with django_assert_num_queries(3):  # its units, links and names
        assert links.due_moves(D(2026, 12, 2)) == []
    tree.move_organisation(Organisation.objects.get(code="F81001"), s["north"], following_links=True)
    with django_assert_num_queries(4):  # and the rows to move
        assert [(org.code, parent.code) for org, parent in links.due_moves(D(2026, 12, 2))] == [("F81001", "U00102")]


def test_the_link_that_places_a_unit_carries_its_exactness_and_source(outlived):
    s = outlived
    Link.objects.filter(child=s["staying"], relation=Relation.PCN_MEMBER).update(
        start=D(2020, 8, 1), start_exact=False, end_exact=False, source="map.zip"
    )
    structure = Structure.load()

    member = structure.placing_link(s["staying"].pk, D(2026, 8, 31))
    assert (member.parent, member.start_exact, member.end_exact, member.source) == (
        s["north"].pk,
        False,
        False,
        "map.zip",
    )
    last_day = structure.placing_link(s["staying"].pk, D(2026, 12, 2))  # closed: on its last day, its PCN closed
    assert (last_day.relation, last_day.parent) == (Relation.PRACTICE_SUB_ICB, s["place"].pk)
    assert structure.placing_link(s["old_board"].pk, D(2026, 12, 2)) is None  # a body: its tree parent places it


RENAMED = D(2025, 1, 1)  # a day on which nothing but Mid Essex's name changed


@pytest.fixture
def renamed(s):
    """``history()`` with Mid Essex (06Q) renamed on 1 January 2025."""
    rename(s["place"], RENAMED, "NHS Mid Essex CCG - 06Q", "NHS Mid and South Essex ICB - 06Q", source="renames.csv")
    return s


def test_a_unit_is_named_by_its_name_of_the_day(renamed, django_assert_num_queries):
    with django_assert_num_queries(5):  # organisations, links, seats, appointments, and the dated names
        structure = Structure.load()
    place = renamed["place"].pk

    assert structure.name_on(place, RENAMED - DAY) == "NHS Mid Essex CCG - 06Q"
    assert structure.name_on(place, RENAMED) == "NHS Mid and South Essex ICB - 06Q"
    assert structure.names_of(place) == [
        Name("NHS Mid Essex CCG - 06Q", None, RENAMED - DAY, "renames.csv"),
        Name("NHS Mid and South Essex ICB - 06Q", RENAMED, None, "renames.csv"),
    ]
    never_renamed = renamed["north"].pk
    assert structure.name_on(never_renamed, RENAMED) == "Chelmsford North PCN"  # its stored name, on every day
    assert structure.names_of(never_renamed) == []


def test_a_renaming_is_a_change_day_of_the_systems_the_unit_was_ever_in(renamed):
    structure = Structure.load()
    old, new = renamed["old"].pk, renamed["new"].pk

    assert RENAMED in structure.change_days(old) and RENAMED in structure.renaming_days(old)
    assert structure.change_key(old, RENAMED - DAY) == PCN_MOVE_DAY  # the change before it
    assert structure.change_key(old, D(2025, 6, 1)) == RENAMED
    assert structure.renaming_days(new) == {RENAMED}  # its future system: a superset, as its change days
    members = dict(structure.members_by_change(old))
    assert members[RENAMED] is members[PCN_MOVE_DAY]  # nobody moved: the same members, only a name changed
