"""The governance file loader (governance.governance_file) and its command, load_governance."""

import copy
import datetime
import io
import json
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import governance_file as loading
from governance.domain import tree_check
from governance.models import Appointment, Organisation, Person, Seat
from tests.builders import ILLUSTRATIVE_QOP, org

D = datetime.date
pytestmark = pytest.mark.django_db

# A small system: parents listed after their children on purpose; boards that
# report to boards; seats that represent an organisation, a sector, or nothing
# (a chair); an ended appointment, a vacant seat, and one person in two seats.
BASE = """\
system: {code: QXX, name: Test Integrated Care Board, region: North West}
top_board: qxx-board
organisations:
  - {code: P001, name: Practice One, kind: practice, parent: U001, opened: 1990-04-01, postcode: M1 1AA}
  - {code: U001, name: PCN One, kind: pcn, parent: 00A}
  - {code: 00A, name: Place A, kind: place, parent: QXX}
  - {code: qxx-board, name: Test ICB Board, kind: board, parent: QXX}
  - {code: qxx-pc-board, name: Test Primary Care Board, kind: committee, parent: qxx-board}
  - {code: qxx-gp-board, name: Test General Practice Board, kind: committee, parent: qxx-pc-board}
  - {code: 00A-board, name: Place A Board, kind: board, parent: 00A}
seats:
  - board: qxx-board
    label: Chair
    role: chair
    selection: appointed
    holders:
      - {name: Illustrative Chair, from: 2022-07-01}
  - board: qxx-board
    label: Partner member (primary medical services)
    role: partner_member
    sector: general_practice
    selection: nominated
    delegate: false
    voting: true
    holders:
      - {name: Illustrative Holder A, from: 2022-07-01, to: 2024-03-31}
      - {name: Illustrative Holder B, from: 2024-04-01, source: 'https://example.org/board-papers'}
  - board: qxx-board
    label: Primary care board representative
    role: member
    represents: qxx-pc-board
    selection: nominated
    delegate: true
    holders:
      - {name: Illustrative Holder C, from: 2023-01-01}
  - board: qxx-pc-board
    label: GP board representative
    role: representative
    represents: qxx-gp-board
    selection: elected
    delegate: true
    holders: []
  - board: qxx-gp-board
    label: Place A representatives
    role: representative
    represents: 00A
    selection: elected
    delegate: true
    max_holders: 2
    holders:
      - {name: Illustrative Holder D, from: 2023-04-01}
      - {name: Illustrative Holder E, from: 2023-04-01}
  - board: 00A-board
    label: PCN One clinical director
    role: member
    represents: U001
    selection: ex_officio
    voting: false
    holders:
      - {name: Illustrative Holder D, from: 2021-01-01, to: 2023-03-31}
"""

BASE_COUNTS = {"organisations": 8, "seats": 6, "people": 6, "appointments": 7}
DEMO = ILLUSTRATIVE_QOP


def base_data() -> dict:
    return yaml.safe_load(BASE)


def write(tmp_path: Path, content, name: str = "qxx.yaml") -> Path:
    """Write a file: text as it is, data as YAML (or JSON, by the name)."""
    path = tmp_path / name
    if not isinstance(content, str):
        if name.endswith(".json"):
            content = json.dumps(content, default=str, indent=2)
        else:
            content = yaml.safe_dump(content, sort_keys=False, allow_unicode=True)
    path.write_text(content, encoding="utf-8")
    return path


def load(*paths, **options) -> loading.LoadReport:
    """Load through the module, then check the tree is whole."""
    report = loading.load_governance([str(p) for p in paths], **options)
    assert tree_check.diagnose().ok
    return report


def row_counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "seats": Seat.objects.count(),
        "people": Person.objects.count(),
        "appointments": Appointment.objects.count(),
    }


def snapshot() -> dict:
    """Every row that loading could touch, as plain values."""
    return {
        "counts": row_counts(),
        "organisations": list(
            Organisation.objects.order_by("code").values_list(
                "code", "name", "kind", "parent__code", "opened", "closed", "postcode", "region", "top_board__code",
                "source", "governance_source", "verified_on", "illustrative", "tree_id", "lft", "rght", "level",
            )
        ),
        "seats": list(
            Seat.objects.order_by("body__code", "label").values_list(
                "body__code", "label", "role", "represents__code", "sector", "selection", "delegate", "voting",
                "max_holders", "portfolio", "holders_recorded",
            )
        ),
        "people": list(Person.objects.order_by("name", "pk").values_list("pk", "name")),
        "appointments": list(
            Appointment.objects.order_by("seat__label", "person__name", "start").values_list(
                "seat__body__code", "seat__label", "person__name", "start", "end", "term_ends", "source"
            )
        ),
    }  # fmt: skip


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def seat(board: str, label: str) -> Seat:
    return Seat.objects.get(body__code=board, label=label)


def assert_base_rows():
    assert row_counts() == BASE_COUNTS
    root = Organisation.objects.get(code="QXX")
    assert (root.kind, root.parent, root.region, root.top_board.code) == ("icb", None, "North West", "qxx-board")
    practice = Organisation.objects.get(code="P001")
    assert (practice.parent.code, practice.opened, practice.postcode) == ("U001", D(1990, 4, 1), "M1 1AA")
    assert practice.source == "governance"
    assert Organisation.objects.get(code="qxx-gp-board").parent.code == "qxx-pc-board"
    assert Organisation.objects.get(code="00A-board").parent.code == "00A"

    chair = seat("qxx-board", "Chair")
    assert (chair.role, chair.represents, chair.sector, chair.delegate, chair.voting) == (
        "chair",
        None,
        "",
        False,
        True,
    )
    partner = seat("qxx-board", "Partner member (primary medical services)")
    assert (partner.sector, partner.represents, partner.delegate, partner.selection) == (
        "general_practice",
        None,
        False,
        "nominated",
    )
    assert seat("qxx-board", "Primary care board representative").represents.code == "qxx-pc-board"
    vacant = seat("qxx-pc-board", "GP board representative")
    assert (vacant.represents.code, vacant.delegate, vacant.appointments.count()) == ("qxx-gp-board", True, 0)
    assert seat("qxx-gp-board", "Place A representatives").max_holders == 2
    assert seat("00A-board", "PCN One clinical director").voting is False

    ended = Appointment.objects.get(person__name="Illustrative Holder A")
    assert (ended.start, ended.end) == (D(2022, 7, 1), D(2024, 3, 31))
    assert Appointment.objects.get(person__name="Illustrative Holder B").source == "https://example.org/board-papers"
    assert Person.objects.get(name="Illustrative Holder D").appointments.count() == 2


# --- round trips ---------------------------------------------------------------


def test_load_creates_the_system_from_yaml(tmp_path):
    report = load(write(tmp_path, BASE))

    assert_base_rows()
    counts = {name: (c.created, c.updated, c.unchanged, c.deleted) for name, c in report.counts.items()}
    assert counts == {
        "organisations": (8, 0, 0, 0),
        "seats": (6, 0, 0, 0),
        "people": (6, 0, 0, 0),
        "appointments": (7, 0, 0, 0),
    }
    assert "+ organisation P001 (practice under U001)" in report.changes
    assert not report.unlisted_seats and not report.unlisted_appointments


def test_load_creates_the_same_system_from_json(tmp_path):
    load(write(tmp_path, base_data(), "qxx.json"))
    assert_base_rows()


def test_json_and_yaml_of_the_same_system_are_the_same_load(tmp_path):
    load(write(tmp_path, base_data(), "qxx.json"))
    with CaptureQueriesContext(connection) as queries:
        report = load(write(tmp_path, BASE))
    assert writes(queries) == []
    assert not report.changed


def test_a_second_load_writes_nothing(tmp_path):
    path = write(tmp_path, BASE)
    load(path)
    before = snapshot()

    with CaptureQueriesContext(connection) as queries:
        report = load(path)

    assert writes(queries) == []
    assert snapshot() == before
    assert not report.changed and report.changes == []
    assert {name: c.unchanged for name, c in report.counts.items()} == BASE_COUNTS
    assert "Nothing to change." in report.lines()


def test_an_edit_updates_only_what_changed(tmp_path):
    load(write(tmp_path, BASE))
    data = base_data()
    data["seats"][1]["holders"][1]["to"] = D(2026, 3, 31)  # a holder's term ends
    data["organisations"].append({"code": "U002", "name": "PCN Two", "kind": "pcn", "parent": "00A"})
    data["organisations"][0]["parent"] = "U002"  # the practice changes PCN
    data["seats"][3]["delegate"] = False

    with CaptureQueriesContext(connection) as queries:
        report = load(write(tmp_path, data))

    counts = {name: (c.created, c.updated, c.unchanged, c.deleted) for name, c in report.counts.items()}
    assert counts == {
        "organisations": (1, 1, 7, 0),
        "seats": (0, 1, 5, 0),
        "people": (0, 0, 6, 0),
        "appointments": (0, 1, 6, 0),
    }
    assert Organisation.objects.get(code="P001").parent.code == "U002"
    assert Appointment.objects.get(person__name="Illustrative Holder B").end == D(2026, 3, 31)
    assert seat("qxx-pc-board", "GP board representative").delegate is False
    assert "~ organisation P001: moved from U001 to U002" in report.changes
    assert "~ seat qxx-pc-board / GP board representative: delegate True → False" in report.changes

    sql = writes(queries)
    assert [s for s in sql if "governance_person" in s] == []
    assert len([s for s in sql if s.startswith("UPDATE") and '"governance_seat"' in s]) == 1
    assert len([s for s in sql if s.startswith("UPDATE") and '"governance_appointment"' in s]) == 1
    assert [s for s in sql if s.startswith("INSERT") and '"governance_seat"' in s] == []
    # The one seat update writes the changed field only.
    seat_update = next(s for s in sql if s.startswith("UPDATE") and '"governance_seat"' in s)
    assert '"delegate"' in seat_update and '"role"' not in seat_update


def test_existing_rows_are_adopted_and_keys_left_out_are_kept(tmp_path):
    root = org("QXX", "icb", name="Old name", source="ods")
    org("00A", "place", root, name="Place A", source="ods")
    load(write(tmp_path, BASE))
    org(
        "P555", "practice", Organisation.objects.get(code="U001"), opened=D(2000, 1, 1), postcode="X1 1XX", source="ods"
    )
    data = base_data()
    data["organisations"].append({"code": "P555", "name": "Renamed Practice", "kind": "practice", "parent": "U001"})

    load(write(tmp_path, data))

    root.refresh_from_db()
    assert (root.name, root.region, root.source) == ("Test Integrated Care Board", "North West", "ods")
    assert Organisation.objects.get(code="00A").source == "governance"
    practice = Organisation.objects.get(code="P555")
    assert (practice.name, practice.source, practice.opened, practice.postcode) == (
        "Renamed Practice",
        "governance",
        D(2000, 1, 1),
        "X1 1XX",
    )


def test_organisations_not_in_the_file_are_left_alone(tmp_path):
    load(write(tmp_path, BASE))
    extra = org("P999", "practice", Organisation.objects.get(code="U001"), source="ods")
    data = base_data()
    data["organisations"][1]["name"] = "PCN One (renamed)"
    load(write(tmp_path, data))
    assert Organisation.objects.get(code="P999").parent.code == "U001"
    assert Organisation.objects.get(code="P999").updated_at == extra.updated_at


def test_moves_happen_in_an_order_that_never_makes_a_cycle(tmp_path):
    # Bodies, which may sit under each other (a place sits only under an ICB, rules.PARENT_KINDS).
    # Before: qxx-pc-board > qxx-gp-board > D1 (D1 only in the database).
    # After: QXX > qxx-gp-board > D1 > qxx-pc-board.
    load(write(tmp_path, BASE))
    org("D1", "committee", Organisation.objects.get(code="qxx-gp-board"))
    data = base_data()
    data["organisations"][5]["parent"] = "QXX"  # qxx-gp-board
    data["organisations"][4]["parent"] = "D1"  # qxx-pc-board, under a database organisation below qxx-gp-board

    load(write(tmp_path, data))

    assert Organisation.objects.get(code="qxx-gp-board").parent.code == "QXX"
    assert Organisation.objects.get(code="qxx-pc-board").parent.code == "D1"


def test_the_shipped_demo_file_loads_and_reloads_without_writes():
    if not DEMO.exists():
        pytest.skip("no shipped demo governance file")
    load(DEMO)
    with CaptureQueriesContext(connection) as queries:
        report = load(DEMO)
    assert writes(queries) == []
    assert not report.changed


# --- invalid files ----------------------------------------------------------


def edit(change):
    """A case that edits the parsed base file; ``change`` mutates the data in place."""

    def make(data):
        change(data)
        return data

    return make


def swap(old: str, new: str):
    """A case that edits the base file's text (for what YAML itself reads: dates, numbers)."""

    def make(_data):
        assert old in BASE
        return BASE.replace(old, new, 1)

    return make


def text(content: str):
    return lambda _data: content


def orgs(data, i=None):
    return data["organisations"] if i is None else data["organisations"][i]


def seats(data, i):
    return data["seats"][i]


def close_before_the_opening_in_the_database(data):
    del orgs(data, 0)["opened"]  # the database keeps 1990-04-01
    orgs(data, 0)["closed"] = D(1980, 1, 1)


NEW_ORG = {"code": "P002", "name": "Practice Two", "kind": "practice", "parent": "P001"}

INVALID = [
    pytest.param(text("- a list\n- not a mapping\n"), "", "not a mapping (a list)", id="not a mapping"),
    pytest.param(text("system: [QXX\n"), "", "not valid YAML", id="not YAML"),
    pytest.param(edit(lambda d: d.update(boards=[])), "boards", "unknown key", id="unknown top-level key"),
    pytest.param(
        edit(lambda d: d.update(organisations={"code": "x"})),
        "organisations",
        "not a list",
        id="organisations not a list",
    ),
    pytest.param(edit(lambda d: d.pop("system")), "system", "missing (required)", id="system missing"),
    pytest.param(
        edit(lambda d: seats(d, 0).pop("role")), "seats[0].role", "missing (required)", id="missing required key"
    ),
    pytest.param(
        edit(lambda d: seats(d, 0)["holders"][0].pop("from")),
        "seats[0].holders[0]",
        "gives neither from nor seen",
        id="missing holder start",
    ),
    pytest.param(
        edit(lambda d: seats(d, 0)["holders"][0].update({"from": None})),
        "seats[0].holders[0].from",
        "empty",
        id="empty holder start",
    ),
    pytest.param(
        edit(lambda d: seats(d, 0).update(delegates=True)),
        "seats[0].delegates",
        "unknown key",
        id="unknown key in a seat",
    ),
    pytest.param(
        edit(lambda d: orgs(d, 2).update(kind="locality")),
        "organisations[2].kind",
        "unknown kind 'locality'",
        id="unknown kind",
    ),
    pytest.param(
        edit(lambda d: seats(d, 1).update(role="partner")), "seats[1].role", "unknown role 'partner'", id="unknown role"
    ),
    pytest.param(
        edit(lambda d: seats(d, 1).update(selection="lottery")),
        "seats[1].selection",
        "unknown selection",
        id="unknown selection",
    ),
    pytest.param(
        edit(lambda d: seats(d, 1).update(sector="pharmacy")),
        "seats[1].sector",
        "unknown sector 'pharmacy'",
        id="unknown sector",
    ),
    pytest.param(
        edit(lambda d: orgs(d, 1).update(parent="00Z")),
        "organisations[1].parent",
        "unknown parent code '00Z'",
        id="unknown parent",
    ),
    pytest.param(
        edit(lambda d: orgs(d, 2).update(parent="QYY-PLACE")),
        "organisations[2].parent",
        "in another system (QYY)",
        id="parent in another system",
    ),
    pytest.param(
        edit(lambda d: orgs(d, 2).update(parent="U001")),
        "organisations[1].parent",
        "cycle: U001 → 00A → U001",
        id="cycle",
    ),
    pytest.param(
        edit(lambda d: orgs(d, 1).update(parent="00A-board")),
        "organisations[1].parent",
        "cannot sit under a board",
        id="unit under a body",
    ),
    pytest.param(
        edit(lambda d: orgs(d).append(NEW_ORG)),
        "organisations[7].parent",
        "practice cannot sit under another practice",
        id="practice under a practice",
    ),
    pytest.param(
        edit(lambda d: orgs(d, 1).update(kind="committee")),
        "organisations[1].kind",
        "P999 sits under U001",
        id="kind change strands a unit",
    ),
    pytest.param(
        swap("Holder A, from: 2022-07-01", "Holder A, from: 2023-13-01"),
        "seats[1].holders[0].from",
        "not a date ('2023-13-01')",
        id="impossible date",
    ),
    pytest.param(
        swap("Holder A, from: 2022-07-01", "Holder A, from: 2022-07-01 10:00:00"),
        "seats[1].holders[0].from",
        "not a date",
        id="date and time",
    ),
    pytest.param(
        edit(lambda d: orgs(d, 0).update(opened="1 April 1990")),
        "organisations[0].opened",
        "not a date ('1 April 1990')",
        id="bad date text",
    ),
    pytest.param(
        edit(lambda d: seats(d, 1)["holders"][1].update(to=D(2024, 1, 1))),
        "seats[1].holders[1].to",
        "before from (2024-04-01)",
        id="to before from",
    ),
    pytest.param(
        edit(lambda d: orgs(d, 0).update(closed=D(1980, 1, 1))),
        "organisations[0].closed",
        "before opened (1990-04-01)",
        id="closed before opened",
    ),
    pytest.param(
        edit(close_before_the_opening_in_the_database),
        "organisations[0].closed",
        "before opened (1990-04-01, in the database)",
        id="closed before opened in the database",
    ),
    pytest.param(
        edit(lambda d: seats(d, 0)["holders"].append({"name": "Illustrative Deputy", "from": D(2023, 1, 1)})),
        "seats[0].holders[1]",
        "2 people would hold this seat at once; it takes 1",
        id="more holders than the seat takes",
    ),
    pytest.param(
        edit(lambda d: seats(d, 4)["holders"][1].update(name="Illustrative Holder D")),
        "seats[4].holders[1]",
        "overlapping appointments",
        id="same person overlapping",
    ),
    pytest.param(
        edit(lambda d: seats(d, 0)["holders"][0].update({"from": D(2022, 8, 1)})),
        "seats[0].holders",
        "--prune",
        id="unlisted appointment still current",
    ),
    pytest.param(
        edit(lambda d: seats(d, 2).update(represents="QYY-PLACE")),
        "seats[2].represents",
        "in another system (QYY)",
        id="represents another system",
    ),
    pytest.param(
        edit(lambda d: seats(d, 2).update(represents="nowhere")),
        "seats[2].represents",
        "unknown represented organisation code 'nowhere'",
        id="represents unknown",
    ),
    pytest.param(
        edit(lambda d: seats(d, 2).update(sector="general_practice")),
        "seats[2].sector",
        "not both",
        id="represents and sector",
    ),
    pytest.param(
        edit(lambda d: seats(d, 5).update(board="00A")),
        "seats[5].board",
        "seats belong on a board, committee or ICP",
        id="seat on a unit",
    ),
    pytest.param(
        edit(lambda d: seats(d, 0).update(board="qxx-nope")),
        "seats[0].board",
        "unknown board code 'qxx-nope'",
        id="seat on an unknown board",
    ),
    pytest.param(
        edit(lambda d: orgs(d).append(dict(orgs(d, 1)))),
        "organisations[7].code",
        "also declared at organisations[1]",
        id="duplicate organisation",
    ),
    pytest.param(
        edit(lambda d: orgs(d).append({**NEW_ORG, "code": "QXX", "parent": "00A"})),
        "organisations[7].code",
        "system's own code",
        id="organisation with the system's code",
    ),
    pytest.param(
        edit(lambda d: d["seats"].append(copy.deepcopy(seats(d, 3)))),
        "seats[6].label",
        "seats[3] already has this board and label",
        id="duplicate seat",
    ),
    pytest.param(
        edit(lambda d: d.update(top_board="qxx-pc-board")),
        "top_board",
        "the top board must be a board",
        id="top board not a board",
    ),
    pytest.param(
        edit(lambda d: d.update(top_board="qxx-nope")), "top_board", "unknown top board code", id="top board unknown"
    ),
    pytest.param(
        edit(lambda d: orgs(d).append({**NEW_ORG, "code": "QYY-PLACE", "kind": "place", "parent": "QXX"})),
        "organisations[7].code",
        "already belongs to another system (QYY)",
        id="code of another system's organisation",
    ),
    pytest.param(
        edit(lambda d: d["system"].update(code="QYY-PLACE")),
        "system.code",
        "not a system's root",
        id="system that is not a root",
    ),
    pytest.param(
        swap("{code: 00A,", "{code: 010,"),
        "organisations[2].code",
        "read as the number 8, not text; quote it: '010'",
        id="unquoted number as code",
    ),
    pytest.param(
        edit(lambda d: seats(d, 3).update(max_holders=0)),
        "seats[3].max_holders",
        "must be from 1",
        id="max_holders below 1",
    ),
    pytest.param(
        edit(lambda d: seats(d, 3).update(delegate="yes please")),
        "seats[3].delegate",
        "not true or false",
        id="delegate not a boolean",
    ),
    pytest.param(
        edit(lambda d: seats(d, 3).update(voting=1)), "seats[3].voting", "not true or false", id="voting not a boolean"
    ),
    pytest.param(
        edit(lambda d: seats(d, 0)["holders"][0].update(name="Illustrative Twin")),
        "seats[0].holders[0].name",
        "2 people in the database are called 'Illustrative Twin'",
        id="holder name shared by two people",
    ),
    pytest.param(
        edit(lambda d: seats(d, 3).update(holders="nobody knows")),
        "seats[3].holders",
        "write unknown if they are not recorded",
        id="holders neither a list nor unknown",
    ),
    pytest.param(
        edit(lambda d: seats(d, 0).update(holders="unknown")),
        "seats[0].holders",
        "unknown, but the database has appointments on this seat (Illustrative Chair from 2022-07-01)",
        id="unknown holders on a seat with appointments",
    ),
    pytest.param(
        edit(lambda d: seats(d, 0).update(portfolio="finance")),
        "seats[0].portfolio",
        "Only executive seats have a portfolio",
        id="portfolio on a chair",
    ),
    pytest.param(
        edit(lambda d: seats(d, 0).update(role="executive", portfolio="estates")),
        "seats[0].portfolio",
        "unknown portfolio 'estates'; one of: finance, medical, nursing, other",
        id="unknown portfolio",
    ),
    pytest.param(
        edit(lambda d: seats(d, 0)["holders"][0].update(term_ends=D(2020, 1, 1))),
        "seats[0].holders[0].term_ends",
        "2020-01-01 is before from (2022-07-01)",
        id="term ends before it starts",
    ),
    pytest.param(
        edit(lambda d: seats(d, 0)["holders"][0].update(acting="yes")),
        "seats[0].holders[0].acting",
        "not true or false",
        id="acting not a boolean",
    ),
    pytest.param(
        edit(lambda d: d["system"].update(verified="last week")),
        "system.verified",
        "not a date ('last week')",
        id="verified not a date",
    ),
    pytest.param(
        edit(lambda d: d["system"].update(illustrative="yes")),
        "system.illustrative",
        "not true or false",
        id="illustrative not a boolean",
    ),
]


@pytest.fixture
def loaded_system(tmp_path):
    """The base system loaded, another system beside it, a database-only practice, and two namesakes."""
    load(write(tmp_path, BASE))
    other = org("QYY", "icb")
    org("QYY-PLACE", "place", other)
    org("P999", "practice", Organisation.objects.get(code="U001"), source="ods")
    Person.objects.create(name="Illustrative Twin")
    Person.objects.create(name="Illustrative Twin")


@pytest.mark.parametrize(("make", "where", "fragment"), INVALID)
def test_an_invalid_file_is_named_at_its_place_and_writes_nothing(tmp_path, loaded_system, make, where, fragment):
    path = write(tmp_path, make(base_data()), "edited.yaml")
    before = snapshot()

    with pytest.raises(loading.GovernanceFileError) as raised:
        loading.load_governance([str(path)])

    problems = raised.value.problems
    assert any(p.where == where and fragment in p.message for p in problems), raised.value.messages
    assert all(str(p).startswith(f"{path}: ") for p in problems)
    assert snapshot() == before


def test_a_problem_reads_file_place_and_message(tmp_path):
    path = write(tmp_path, BASE.replace("Holder A, from: 2022-07-01", "Holder A, from: 2023-13-01"))
    with pytest.raises(loading.GovernanceFileError) as raised:
        loading.load_governance([str(path)])
    assert raised.value.messages == [
        f"{path}: seats[1].holders[0].from: not a date ('2023-13-01'); write it as YYYY-MM-DD"
    ]


def test_a_mistake_is_reported_once_not_as_its_consequences(tmp_path):
    data = base_data()
    orgs(data).append({"code": "QXX", "name": "The ICB again", "kind": "place", "parent": "00A"})
    with pytest.raises(loading.GovernanceFileError) as raised:
        loading.load_governance([str(write(tmp_path, data))])
    assert [p.where for p in raised.value.problems] == ["organisations[7].code"]


def test_every_mistake_is_reported_at_once(tmp_path):
    data = base_data()
    orgs(data, 2)["kind"] = "locality"
    seats(data, 1)["holders"][1]["to"] = D(2020, 1, 1)
    seats(data, 2)["represents"] = "nowhere"
    with pytest.raises(loading.GovernanceFileError) as raised:
        loading.load_governance([str(write(tmp_path, data))])
    assert {p.where for p in raised.value.problems} >= {
        "organisations[2].kind",
        "seats[1].holders[1].to",
        "seats[2].represents",
    }
    assert row_counts() == dict.fromkeys(BASE_COUNTS, 0)


def test_a_number_as_code_in_json_says_quote_it(tmp_path):
    data = base_data()
    orgs(data, 2)["code"] = 10
    with pytest.raises(loading.GovernanceFileError) as raised:
        loading.load_governance([str(write(tmp_path, data, "qxx.json"))])
    assert any(p.where == "organisations[2].code" and "quote it" in p.message for p in raised.value.problems)


# --- seats and appointments not in the file; --prune --------------------------------


def without_seat_5_and_holder_a() -> dict:
    data = base_data()
    del data["seats"][5]
    del seats(data, 1)["holders"][0]
    return data


def test_seats_and_appointments_not_in_the_file_are_reported_and_kept(tmp_path):
    load(write(tmp_path, BASE))
    report = load(write(tmp_path, without_seat_5_and_holder_a()))

    assert report.unlisted_seats == ["00A-board / PCN One clinical director (1 appointment)"]
    assert report.unlisted_appointments == [
        "Illustrative Holder A in qxx-board / Partner member (primary medical services) from 2022-07-01 to 2024-03-31"
    ]
    assert report.pruned == []
    assert row_counts() == BASE_COUNTS
    assert "Seats in the database but not in the file (kept; --prune deletes them):" in report.lines()


def test_prune_deletes_seats_and_appointments_not_in_the_file(tmp_path):
    load(write(tmp_path, BASE))
    path = write(tmp_path, without_seat_5_and_holder_a())

    report = load(path, prune=True)

    assert row_counts() == {"organisations": 8, "seats": 5, "people": 6, "appointments": 5}
    assert not Seat.objects.filter(label="PCN One clinical director").exists()
    assert not Appointment.objects.filter(person__name="Illustrative Holder A").exists()
    assert report.counts["seats"].deleted == 1
    assert report.counts["appointments"].deleted == 2  # one unlisted, one with its seat
    assert len(report.pruned) == 2

    with CaptureQueriesContext(connection) as queries:
        again = load(path, prune=True)
    assert writes(queries) == []
    assert again.unlisted_seats == again.unlisted_appointments == []


def test_prune_allows_correcting_a_start_date(tmp_path):
    load(write(tmp_path, BASE))
    data = base_data()
    seats(data, 0)["holders"][0]["from"] = D(2022, 8, 1)

    load(write(tmp_path, data), prune=True)

    starts = list(seat("qxx-board", "Chair").appointments.values_list("start", flat=True))
    assert starts == [D(2022, 8, 1)]


def test_prune_leaves_other_systems_alone(tmp_path):
    other = org("QYY", "icb")
    board = org("qyy-board", "board", other)
    Seat.objects.create(body=board, label="Chair", role="chair", selection="appointed")
    report = load(write(tmp_path, BASE), prune=True)
    assert report.unlisted_seats == []
    assert Seat.objects.filter(body=board).exists()


# --- dry run ---------------------------------------------------------------


def test_dry_run_reports_and_writes_nothing(tmp_path):
    path = write(tmp_path, BASE)
    report = load(path, dry_run=True)
    assert report.dry_run and report.counts["organisations"].created == 8
    assert row_counts() == dict.fromkeys(BASE_COUNTS, 0)
    assert "Would change:" in report.lines()

    load(path)
    before = snapshot()
    report = load(write(tmp_path, without_seat_5_and_holder_a()), dry_run=True, prune=True)
    assert report.counts["seats"].deleted == 1
    assert snapshot() == before


# --- several files ------------------------------------------------------------


def second_system() -> dict:
    return {
        "system": {"code": "QZZ", "name": "Second Test ICB"},
        "top_board": "qzz-board",
        "organisations": [{"code": "qzz-board", "name": "Second Board", "kind": "board", "parent": "QZZ"}],
        "seats": [
            {
                "board": "qzz-board",
                "label": "Chair",
                "role": "chair",
                "selection": "appointed",
                "holders": [{"name": "Illustrative Chair", "from": "2022-07-01"}],
            }
        ],
    }


def test_several_files_load_together(tmp_path):
    report = load(write(tmp_path, BASE), write(tmp_path, second_system(), "qzz.json"))
    assert Organisation.objects.get(code="QZZ").top_board.code == "qzz-board"
    assert row_counts()["organisations"] == 10
    # People match by name, across files.
    assert Person.objects.get(name="Illustrative Chair").appointments.count() == 2
    assert report.counts["people"].created == 6


def test_one_invalid_file_stops_them_all(tmp_path):
    bad = second_system()
    bad["seats"][0]["role"] = "boss"
    with pytest.raises(loading.GovernanceFileError) as raised:
        loading.load_governance([str(write(tmp_path, BASE)), str(write(tmp_path, bad, "qzz.yaml"))])
    assert [p.where for p in raised.value.problems] == ["seats[0].role"]
    assert row_counts() == dict.fromkeys(BASE_COUNTS, 0)


def test_one_system_in_two_files_is_refused(tmp_path):
    first, second = write(tmp_path, BASE, "a.yaml"), write(tmp_path, BASE, "b.yaml")
    with pytest.raises(loading.GovernanceFileError) as raised:
        loading.load_governance([str(first), str(second)])
    assert any(p.file == str(second) and p.where == "system.code" for p in raised.value.problems)
    assert row_counts()["organisations"] == 0


# --- the command ------------------------------------------------------------


def run(*args, verbosity: int = 2) -> str:
    out = io.StringIO()
    call_command("load_governance", *[str(a) for a in args], stdout=out, verbosity=verbosity)
    return out.getvalue()


def test_the_command_counts_rows_by_default_and_lists_them_at_verbosity_2(tmp_path):
    path = write(tmp_path, BASE)
    output = run(path, verbosity=1)

    assert "Changes: 28 (--verbosity 2 lists them)" in output  # 8 organisations, 7 seats, 6 people, 7 holders
    assert "+ seat" not in output
    assert "organisations: 8 created, 0 updated, 0 unchanged, 0 deleted" in output
    assert len(output.splitlines()) == 6  # the count, what was loaded, a line per model
    assert run(path, verbosity=0) == ""


def test_command_loads_and_prints_the_report(tmp_path):
    path = write(tmp_path, BASE)
    output = run(path)
    assert f"Loaded {path}." in output
    assert "organisations: 8 created, 0 updated, 0 unchanged, 0 deleted" in output
    assert "+ seat qxx-board / Chair" in output
    assert "Nothing to change." in run(path)
    assert tree_check.diagnose().ok


def test_command_dry_run_and_prune(tmp_path):
    path = write(tmp_path, BASE)
    assert "rolled back: nothing was written" in run(path, "--dry-run")
    assert row_counts()["organisations"] == 0
    run(path)
    output = run(write(tmp_path, without_seat_5_and_holder_a()), "--prune")
    assert "- seat 00A-board / PCN One clinical director (1 appointment)" in output
    assert row_counts()["seats"] == 5


def test_command_fails_with_every_problem_and_writes_nothing(tmp_path):
    data = base_data()
    orgs(data, 1)["parent"] = "00Z"
    seats(data, 0)["max_holders"] = 0
    path = write(tmp_path, data)
    with pytest.raises(CommandError) as raised:
        run(path)
    message = str(raised.value)
    assert raised.value.returncode == 1
    assert message.startswith("2 problems; nothing was written.")
    assert f"{path}: organisations[1].parent: unknown parent code '00Z'" in message
    assert f"{path}: seats[0].max_holders: must be from 1" in message
    assert row_counts()["organisations"] == 0


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("qxx.txt", BASE, "not a governance file: the name must end in .yaml, .yml or .json"),
        ("qxx.json", '{"system": ', "not valid JSON"),
        ("empty.yaml", "", "not a mapping (empty)"),
    ],
)
def test_command_names_a_file_it_cannot_read(tmp_path, name, content, fragment):
    path = write(tmp_path, content, name)
    with pytest.raises(CommandError) as raised:
        run(path)
    assert f"{path}: {fragment}" in str(raised.value)


def test_command_names_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run(tmp_path / "missing.yaml")


# --- holders not recorded, portfolios, terms, provenance ---------------------------------


def with_unknown_holders_and_provenance() -> dict:
    data = base_data()
    data["system"].update(source="https://example.org/board-members", verified=D(2026, 11, 3), illustrative=True)
    seats(data, 3)["holders"] = "unknown"  # the GP board representative, vacant in BASE
    seats(data, 0)["holders"][0]["term_ends"] = D(2026, 6, 30)
    data["seats"].append(
        {"board": "qxx-board", "label": "Director of finance", "role": "executive", "portfolio": "finance"}
        | {"selection": "appointed", "holders": "unknown"}
    )
    return data


def test_unknown_holders_portfolio_term_and_provenance_are_kept(tmp_path):
    load(write(tmp_path, BASE))
    path = write(tmp_path, with_unknown_holders_and_provenance(), "unknown.yaml")

    report = load(path)

    gp_rep = seat("qxx-pc-board", "GP board representative")
    finance = seat("qxx-board", "Director of finance")
    assert (gp_rep.holders_recorded, gp_rep.appointments.count()) == (False, 0)
    assert (finance.holders_recorded, finance.portfolio) == (False, "finance")
    assert seat("qxx-board", "Chair").holders_recorded is True
    assert Appointment.objects.get(person__name="Illustrative Chair").term_ends == D(2026, 6, 30)
    root = Organisation.objects.get(code="QXX")
    assert (root.governance_source, root.verified_on, root.illustrative) == (
        "https://example.org/board-members",
        D(2026, 11, 3),
        True,
    )
    assert "~ seat qxx-pc-board / GP board representative: holders_recorded True → False" in report.changes
    assert not load(path).changed  # and a second load changes nothing


def test_unknown_becomes_a_list_again_and_provenance_left_out_is_cleared(tmp_path):
    load(write(tmp_path, with_unknown_holders_and_provenance()))

    report = load(write(tmp_path, BASE))

    assert seat("qxx-pc-board", "GP board representative").holders_recorded is True
    root = Organisation.objects.get(code="QXX")
    assert (root.governance_source, root.verified_on, root.illustrative) == ("", None, False)
    assert report.changed


def test_unknown_holders_with_prune_delete_the_appointments(tmp_path):
    load(write(tmp_path, BASE))
    data = base_data()
    seats(data, 0)["holders"] = "unknown"

    load(write(tmp_path, data), prune=True)

    chair = seat("qxx-board", "Chair")
    assert (chair.holders_recorded, chair.appointments.count()) == (False, 0)
