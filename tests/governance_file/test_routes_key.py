"""The governance file's ``routes`` key (DESIGN.md, "Routes"): on a system and on a place, its default,
bad values refused at their place, ``scaffold_governance`` writing ``not recorded``, exports writing it back."""

import pytest
import yaml

from governance import governance_file as loading
from governance.governance_file import write
from governance.governance_file.scaffold import scaffold_governance, statutory_file
from governance.models import Organisation
from governance.reading.paths import representation_path
from tests.builders import D, database_state, org

pytestmark = pytest.mark.django_db

ON = D(2026, 6, 1)
BOARD_ONLY = """\
system: {code: QKM, name: NHS Kent and Medway Integrated Care Board}
top_board: qkm-board
organisations:
  - {code: qkm-board, name: NHS Kent and Medway ICB Board, kind: board, parent: QKM}
  - {code: qkm-icp, name: Kent and Medway Integrated Care Partnership, kind: icp, parent: QKM}
  - {code: 91Q, name: Kent and Medway, kind: place, parent: QKM}
  - {code: U91001, name: Medway PCN, kind: pcn, parent: 91Q}
  - {code: G82001, name: Medway Surgery, kind: practice, parent: U91001}
seats:
  - {board: qkm-board, label: Chair, role: chair, selection: appointed, holders: unknown}
"""
A_COMMITTEE = "  - {code: qkm-pc, name: Primary Care Committee, kind: committee, parent: qkm-board}\n"


def load(tmp_path, text: str, name: str = "qkm.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return loading.load_governance([str(path)])


def with_system_key(text: str, value: str) -> str:
    return text.replace("Integrated Care Board}", f"Integrated Care Board, routes: {value}}}", 1)


def qkm() -> Organisation:
    return Organisation.objects.get(code="QKM")


def test_left_out_a_board_alone_records_no_route(tmp_path):
    load(tmp_path, BOARD_ONLY)

    assert qkm().routes_recorded is None  # not said: what the file records decides
    assert representation_path("G82001", ON)["route"] == "not_recorded"


def test_left_out_a_body_below_the_board_records_the_routes(tmp_path):
    load(tmp_path, BOARD_ONLY.replace("seats:\n", A_COMMITTEE + "seats:\n"))

    assert representation_path("G82001", ON)["route"] == "broken"


def test_left_out_a_top_board_seat_for_an_organisation_records_the_routes(tmp_path):
    seat = "  - {board: qkm-board, label: Kent place member, role: member, represents: 91Q, selection: nominated}\n"
    load(tmp_path, BOARD_ONLY + seat)

    assert representation_path("G82001", ON)["route"] == "reaches"


@pytest.mark.parametrize(
    ("value", "stored", "route"), [("recorded", True, "broken"), ("not recorded", False, "not_recorded")]
)
def test_the_system_says(tmp_path, value, stored, route):
    load(tmp_path, with_system_key(BOARD_ONLY.replace("seats:\n", A_COMMITTEE + "seats:\n"), value))

    assert qkm().routes_recorded is stored
    assert representation_path("G82001", ON)["route"] == route


def test_a_place_says_for_the_units_below_it(tmp_path):
    text = BOARD_ONLY.replace("kind: place, parent: QKM}", "kind: place, parent: QKM, routes: recorded}")
    load(tmp_path, text)

    assert Organisation.objects.get(code="91Q").routes_recorded is True
    assert representation_path("G82001", ON)["route"] == "broken"


def test_a_place_left_out_follows_its_system_again(tmp_path):
    load(tmp_path, BOARD_ONLY.replace("kind: place, parent: QKM}", "kind: place, parent: QKM, routes: recorded}"))
    load(tmp_path, BOARD_ONLY)

    assert Organisation.objects.get(code="91Q").routes_recorded is None
    assert representation_path("G82001", ON)["route"] == "not_recorded"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        (with_system_key(BOARD_ONLY, "maybe"), "system.routes", "must be recorded or not recorded, not 'maybe'"),
        (with_system_key(BOARD_ONLY, "yes"), "system.routes", "must be recorded or not recorded, not true"),
        (
            BOARD_ONLY.replace("kind: place, parent: QKM}", "kind: place, parent: QKM, routes: unknown}"),
            "organisations[2].routes",
            "must be recorded or not recorded, not 'unknown'",
        ),
        (
            BOARD_ONLY.replace("kind: pcn, parent: 91Q}", "kind: pcn, parent: 91Q, routes: recorded}"),
            "organisations[3].routes",
            "only a system or a place says whether its routes are recorded",
        ),
    ],
)
def test_a_bad_value_is_refused_at_its_place_and_changes_nothing(tmp_path, text, where, message):
    before = database_state()

    with pytest.raises(loading.GovernanceFileError) as raised:
        load(tmp_path, text)

    assert [(p.where, message in p.message) for p in raised.value.problems] == [(where, True)]
    assert database_state() == before


def test_scaffold_writes_not_recorded(db):
    org("91Q", "place", org("QKS", "icb", name="NHS Kent and Medway Integrated Care Board", opened=D(2022, 7, 1)))

    assert statutory_file(Organisation.objects.get(code="QKS"))["system"]["routes"] == "not recorded"
    scaffold_governance(["QKS"])
    assert Organisation.objects.get(code="QKS").routes_recorded is False


def test_scaffold_files_say_not_recorded(tmp_path, db):
    org("QKS", "icb", name="NHS Kent and Medway Integrated Care Board", opened=D(2022, 7, 1))

    scaffold_governance(["QKS"], out=tmp_path)

    assert yaml.safe_load((tmp_path / "QKS.yaml").read_text())["system"]["routes"] == "not recorded"


def test_an_export_writes_routes_back_and_loads_unchanged(tmp_path):
    text = with_system_key(BOARD_ONLY, "not recorded")
    load(tmp_path, text.replace("kind: place, parent: QKM}", "kind: place, parent: QKM, routes: recorded}"))

    data = write.governance_file(qkm())
    places = [entry for entry in data["organisations"] if entry["kind"] == "place"]

    assert data["system"]["routes"] == "not recorded"
    assert places == [
        {"code": "91Q", "name": "Kent and Medway", "kind": "place", "parent": "QKM", "routes": "recorded"}
    ]
    before = database_state()
    report = load(tmp_path, write.dump_yaml(data), name="again.yaml")
    assert database_state() == before, report


def test_an_export_leaves_out_what_is_not_said(tmp_path):
    load(tmp_path, BOARD_ONLY)

    data = write.governance_file(qkm())

    assert "routes" not in data["system"]
    assert all("routes" not in entry for entry in data["organisations"])
