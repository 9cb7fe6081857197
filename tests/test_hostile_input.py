"""Hostile and careless input (issue 14): every file, form and request below is refused with a
message naming its place, and leaves the database as it was; or, where it is harmless, works.

Files are built in tmp_path. The entry points are the loader (governance files), the ODS
importer, the admin, the API and the tree service beneath them all.
"""

import datetime
import gzip
import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from governance.domain import rules, tree
from governance.governance_file import read
from governance.ingest.ods import files as ods_files
from governance.ingest.ods.files import OdsFileError
from governance.ingest.ods.importer import OdsFiles, import_ods
from governance.models import Appointment, Organisation, Source, code_problem, name_problem
from tests.builders import database_state, errors_of, form_data, org

pytestmark = pytest.mark.django_db

API = "/api/v1"
ODS = Path(__file__).parent / "data" / "ods"
ODS_SET = OdsFiles(ODS / "epraccur_2025-02_slice.csv", ODS / "ePCN_2025-01_slice.xlsx", ODS / "LOC22_slice.csv")
DEMO = Path(__file__).resolve().parent / "data" / "governance" / "illustrative_qop.yaml"

BASE = """\
system: {code: QXX, name: Test ICB}
top_board: qxx-board
organisations:
  - {code: 00A, name: Place A, kind: place, parent: QXX}
  - {code: U001, name: PCN One, kind: pcn, parent: 00A}
  - {code: P001, name: Practice One, kind: practice, parent: U001}
  - {code: qxx-board, name: Test board, kind: board, parent: QXX}
seats:
  - board: qxx-board
    label: Chair
    role: chair
    selection: appointed
    holders:
      - {name: Illustrative Chair, from: 2022-07-01}
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogatepass")  # lets a test write a lone surrogate
    path.write_bytes(content)
    return path


def load(*paths) -> str:
    out = io.StringIO()
    call_command("load_governance", *map(str, paths), stdout=out)
    return out.getvalue()


def refused_load(path: Path) -> str:
    """Load ``path`` expecting a refusal (the command's exit 1 with a message, no traceback)."""
    before = database_state()
    with pytest.raises(CommandError) as raised:
        load(path)
    assert database_state() == before
    assert "nothing was written" in str(raised.value)
    return str(raised.value)


@pytest.fixture
def base(tmp_path):
    """The small system loaded, so that a refused file would have had something to change."""
    load(write(tmp_path, "base.yaml", BASE))


def organisation_line(code: str, kind: str, parent: str) -> str:
    return f"  - {{code: '{code}', name: Added, kind: {kind}, parent: '{parent}'}}\n"


def with_organisation(code: str, kind: str, parent: str) -> str:
    return BASE.replace("seats:\n", organisation_line(code, kind, parent) + "seats:\n")


# --- the loader: files no one should write ------------------------------------------------------

DEEP_YAML = "system: " + "[" * 1000 + "]" * 1000 + "\n"
DEEP_JSON = '{"system": ' + "[" * 5000 + "]" * 5000 + "}"

HOSTILE_FILES = [
    # name, content, what the message must say (the place first)
    (
        "slash.yaml",
        with_organisation("a/b", "board", "QXX"),
        "organisations[4].code: 'a/b' is not an",
    ),
    (
        "space.yaml",
        with_organisation("a b", "board", "QXX"),
        "organisations[4].code: 'a b' is not an",
    ),
    ("dot.yaml", with_organisation("..", "board", "QXX"), "organisations[4].code: '..' is not an organisation code"),
    ("parent.yaml", with_organisation("qxx-new", "board", "Q/X"), "organisations[4].parent: 'Q/X' is not"),
    ("dup.yaml", BASE.replace("role: chair", "role: chair\n    role: member"), "the key 'role' is given twice"),
    ("dup.json", '{"system": {"code": "QXX", "name": "A", "name": "B"}}', "system.name: given twice"),
    ("nul.json", '{"system": {"code": "QXX", "name": "A\\u0000"}}', "system.name: contains a NUL character"),
    ("nul.yaml", BASE.replace("name: Test ICB", 'name: "Test\\0ICB"'), "system.name: contains a NUL character"),
    ("nul-raw.yaml", BASE.replace("Test ICB", "Test\x00ICB"), "the character U+0000 is not allowed (line 1,"),
    ("surrogate.json", '{"system": {"code": "QXX", "name": "\\ud800"}}', "system.name: contains an unpaired surrogate"),
    ("surrogate.yaml", BASE.replace("Test ICB", '"\\uD800"'), "system.name: contains an unpaired surrogate"),
    ("surrogate-key.json", '{"system": {"code": "QXX", "name": "A", "\\udc00": 1}}', "system: the key"),
    ("deep.yaml", DEEP_YAML, "nested deeper than 20 levels (line 1, column 28)"),
    ("deep.json", DEEP_JSON, "nested deeper than 20 levels (line 1, column 31)"),
    ("alias.yaml", BASE.replace("system: {", "system: &s {") + "x: *s\n", "anchors and aliases"),
]


@pytest.mark.parametrize(("name", "content", "message"), HOSTILE_FILES, ids=[case[0] for case in HOSTILE_FILES])
def test_the_loader_refuses_hostile_files_naming_the_place(tmp_path, base, name, content, message):
    assert message in refused_load(write(tmp_path, name, content))


def test_the_yaml_duplicate_names_both_lines(tmp_path, base):
    text = BASE.replace("role: chair", "role: chair\n    role: member")
    message = refused_load(write(tmp_path, "dup.yaml", text))
    assert "(first on line 11)" in message and "(line 12, column 5)" in message


def test_the_loader_refuses_a_file_over_the_size_limit_unread(tmp_path, base):
    path = write(tmp_path, "big.yaml", BASE + "#" * read.MAX_FILE_BYTES)
    assert "larger than 5 MB" in refused_load(path)


def test_the_same_file_given_twice_loads_once(tmp_path):
    path = write(tmp_path, "base.yaml", with_organisation("qxx-new", "committee", "qxx-board"))
    same = tmp_path / "again" / ".." / "base.yaml"
    (tmp_path / "again").mkdir()

    output = load(path, same, path)

    assert Organisation.objects.filter(code="qxx-new").count() == 1
    assert "organisations: 6 created" in output


# --- the holder check is linear ------------------------------------------------------------------


def holders_file(tmp_path: Path, count: int, max_holders: int) -> Path:
    data = {
        "system": {"code": "QXX", "name": "Test ICB"},
        "organisations": [{"code": "qxx-board", "name": "Board", "kind": "board", "parent": "QXX"}],
        "seats": [
            {
                "board": "qxx-board",
                "label": "Member",
                "role": "member",
                "selection": "elected",
                "max_holders": max_holders,
                "holders": [{"name": f"Holder {i:04}", "from": "2022-07-01"} for i in range(count)],
            }
        ],
    }
    return write(tmp_path, "holders.json", json.dumps(data))


@pytest.fixture
def holder_checks(monkeypatch):
    """Counts the calls of rules.check_holders (each O(n log n) in the holders it is given)."""
    calls = []
    real = rules.check_holders

    def counting(max_holders, appointments):
        appointments = list(appointments)
        calls.append(len(appointments))
        return real(max_holders, appointments)

    monkeypatch.setattr(rules, "check_holders", counting)
    return calls


def test_four_thousand_holders_on_one_seat_load_with_one_check(tmp_path, holder_checks):
    load(holders_file(tmp_path, 4000, 4000))

    assert Appointment.objects.filter(seat__label="Member").count() == 4000
    assert holder_checks == [4000]  # one check of them all, not one per holder


def test_one_holder_too_many_is_found_by_bisection_and_named(tmp_path, holder_checks):
    path = holders_file(tmp_path, 4001, 4000)

    message = refused_load(path)

    assert "seats[0].holders[4000]: 4001 people would hold this seat at once; it takes 4000." in message
    assert len(holder_checks) <= 2 + 13  # the whole list, then about log2(4001) prefixes
    assert sum(holder_checks) < 15 * 4001  # one check per prefix, as before: 4001 checks of 8 million holders


def test_bisection_finds_the_same_holder_as_checking_every_prefix():
    def first_by_prefixes(max_holders, appointments):
        for k in range(1, len(appointments) + 1):
            try:
                rules.check_holders(max_holders, appointments[:k])
            except rules.RuleError as error:
                return k - 1, str(error)
        return None

    D = datetime.date
    appointments = [
        ("A", D(2022, 1, 1), D(2022, 12, 31)),
        ("B", D(2023, 1, 1), None),
        ("C", D(2021, 1, 1), D(2021, 12, 31)),
        ("A", D(2022, 6, 1), None),  # A twice at once
        ("D", D(2023, 6, 1), None),
    ]
    for max_holders in (1, 2, 3):
        found = rules.first_breaking_holder(max_holders, appointments)
        expected = first_by_prefixes(max_holders, appointments)
        assert (found[0], str(found[1])) == expected
    assert rules.first_breaking_holder(3, appointments[:3]) is None


# --- codes are codes -------------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["QOP", "00T", "U12345", "P84001", "qop-board", "a", "x" * 64])
def test_the_code_rule_takes_ods_codes_and_slugs(code):
    assert code_problem(code) is None


@pytest.mark.parametrize("code", ["a/b", "", "-a", "a b", "a.b", "a\nb", "a\n", "é", "a_b", "a%2Fb", "x" * 65])
def test_the_code_rule_refuses_anything_else(code):
    assert "is not an organisation code" in code_problem(code)


def test_the_database_refuses_a_code_that_breaks_the_rule():
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation(code="a/b", name="Slash", kind="icb").save()  # past every check but the constraint


def test_the_tree_service_refuses_a_code_that_breaks_the_rule():
    root = org("QXX", "icb")
    with pytest.raises(rules.RuleError, match="'a/b' is not an organisation code"):
        org("a/b", "board", root)
    with pytest.raises(rules.RuleError, match="'x/y' is not an organisation code"):
        tree.update_organisation(root, code="x/y")
    assert list(Organisation.objects.values_list("code", flat=True)) == ["QXX"]


@pytest.fixture
def superuser():
    return User.objects.create_superuser("root", password="not-used-in-tests")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def api(superuser):
    client = APIClient()
    client.force_authenticate(superuser)
    return client


ADD = reverse("admin:governance_organisation_add")


def admin_add(admin_client, **fields) -> str:
    data = form_data(admin_client.get(ADD))
    data.update(name="Added", source="governance", **fields)
    before = database_state()
    errors = errors_of(admin_client.post(ADD, data))
    assert database_state() == before
    return errors


def test_the_admin_refuses_a_code_that_breaks_the_rule(admin_client, base):
    errors = admin_add(admin_client, code="a/b", kind="board", parent=Organisation.objects.get(code="QXX").pk)
    assert "is not an organisation code" in errors


def test_the_api_refuses_a_code_that_breaks_the_rule_naming_the_field(api, base):
    # The API writes no codes (it moves organisations); a code it is given is checked before any lookup.
    response = api.post(f"{API}/organisations/U001/move/", {"parent": "a/b"}, format="json")
    assert response.status_code == 400
    assert response.json()["parent"][0].startswith("'a/b' is not an organisation code")


def test_the_importer_refuses_a_code_that_breaks_the_rule_naming_the_row(tmp_path):
    lookup = tmp_path / "lookup.csv"
    lines = ODS_SET.lookup.read_text(encoding="utf-8-sig").splitlines()
    code = lines[3].split(",")[1]  # LOC22CDH
    lines[3] = lines[3].replace(code, "0/T", 1)
    lookup.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = database_state()

    with pytest.raises(OdsFileError, match=r"lookup.csv, row 4: '0/T' is not an organisation code"):
        import_ods(OdsFiles(ODS_SET.epraccur, ODS_SET.epcn, lookup))
    assert database_state() == before


def test_pages_answer_for_codes_with_hyphens(client, base):
    org("qxx-sub-committee-2", "committee", Organisation.objects.get(code="qxx-board"))
    for url in (
        "/organisations/QXX/",
        "/organisations/qxx-board/",
        "/organisations/qxx-sub-committee-2/",
        "/organisations/QXX/?page=999",
        "/?q=qxx-",
        f"{API}/organisations/qxx-board/children/",
    ):
        assert client.get(url).status_code == 200, url


@pytest.mark.slow
def test_every_shipped_code_keeps_the_rule_and_its_pages_answer(client, shipped_england):
    load(DEMO)

    codes = list(Organisation.objects.values_list("code", flat=True))
    assert len(codes) > 7000  # the import ran: 7,702 organisations with the demo
    assert [code for code in codes if code_problem(code)] == []
    for code in codes:
        reverse("governance:organisation", args=[code])  # never NoReverseMatch
    for url in (
        "/organisations/QOP/",
        "/organisations/qop-board/",
        "/organisations/qop-heywood-middleton-rochdale-locality-board/",
        "/organisations/QOP/?page=999",
        "/organisations/00T/?page=999",
        "/?q=qop-",
        "/?q=00T",
        f"{API}/organisations/QOP/children/",
        f"{API}/organisations/00T/children/",
    ):
        assert client.get(url).status_code == 200, url


# --- one placement rule ----------------------------------------------------------------------------

# (kind, parent) pairs the issue found accepted; the tree must follow ICB → place → PCN → practice.
MISPLACED = [("pcn", "P001"), ("place", "U001"), ("lmc", "P001"), ("icp", "P001")]


@pytest.mark.parametrize(("kind", "parent"), MISPLACED)
def test_the_tree_service_refuses_misplacement(base, kind, parent):
    with pytest.raises(rules.RuleError, match=f"cannot sit under a {Organisation.objects.get(code=parent).kind}"):
        org("X99", kind, Organisation.objects.get(code=parent))


@pytest.mark.parametrize(("kind", "parent"), MISPLACED)
def test_the_loader_refuses_misplacement(tmp_path, base, kind, parent):
    message = refused_load(write(tmp_path, "misplaced.yaml", with_organisation("X99", kind, parent)))
    assert "organisations[4].parent: X99 under " in message and "cannot sit under" in message


@pytest.mark.parametrize(("kind", "parent"), MISPLACED)
def test_the_admin_refuses_misplacement(admin_client, base, kind, parent):
    errors = admin_add(admin_client, code="X99", kind=kind, parent=Organisation.objects.get(code=parent).pk)
    assert "cannot sit under" in errors


@pytest.mark.parametrize(("kind", "parent"), MISPLACED)
def test_the_api_refuses_misplacement(api, base, kind, parent):
    org("X99", kind, Organisation.objects.get(code="QXX" if kind in ("place", "lmc", "icp") else "00A"))
    before = database_state()

    response = api.post(f"{API}/organisations/X99/move/", {"parent": parent}, format="json")

    assert response.status_code == 400
    assert "cannot sit under" in response.json()["parent"][0]
    assert database_state() == before


def test_a_kind_change_that_would_misplace_the_children_is_refused(base):
    pcn = Organisation.objects.get(code="U001")
    with pytest.raises(rules.RuleError, match="U001 cannot become a trust: P001 sits under it"):
        tree.update_organisation(pcn, kind="trust")


# --- rows the ODS import keeps ---------------------------------------------------------------------


@pytest.fixture
def imported():
    """The ODS slice imported: a practice of the import's (in PCN U64436), and another PCN beside its own."""
    import_ods(ODS_SET)
    practice = Organisation.objects.filter(source=Source.ODS, kind="practice", parent__code="U64436").first()
    return practice, Organisation.objects.get(code="U97645")


def assert_the_import_moves_nothing_back():
    summary = import_ods(ODS_SET, dry_run=True)
    assert sum(summary.moved.values()) == 0 and summary.changed == 0


def test_the_admin_refuses_to_move_a_row_the_import_keeps(admin_client, imported):
    practice, other_pcn = imported
    url = reverse("admin:governance_organisation_change", args=[practice.pk])
    data = form_data(admin_client.get(url))
    data["parent"] = other_pcn.pk
    before = database_state()

    assert "is kept by the ODS import (source ods) and cannot be moved here" in errors_of(admin_client.post(url, data))
    response = admin_client.post(
        reverse("admin:governance_organisation_changelist"),
        {"cmd": "move_node", "cut_item": practice.pk, "pasted_on": other_pcn.pk, "position": "last-child"},
    )
    assert response.status_code == 400
    assert database_state() == before
    assert_the_import_moves_nothing_back()


def test_the_admin_refuses_renaming_or_deleting_a_row_the_import_keeps(admin_client, imported):
    practice, _ = imported
    url = reverse("admin:governance_organisation_change", args=[practice.pk])
    data = form_data(admin_client.get(url))
    before = database_state()

    data.update(code=f"{practice.code}-X", name="Renamed")
    assert "cannot be changed (code, name) here" in errors_of(admin_client.post(url, data))
    admin_client.post(reverse("admin:governance_organisation_delete", args=[practice.pk]), {"post": "yes"})
    assert database_state() == before


def test_the_api_refuses_to_move_a_row_the_import_keeps(api, imported):
    practice, other_pcn = imported
    before = database_state()

    response = api.post(f"{API}/organisations/{practice.code}/move/", {"parent": other_pcn.code}, format="json")

    assert response.status_code == 400
    assert "is kept by the ODS import" in response.json()["parent"][0]
    assert database_state() == before
    assert_the_import_moves_nothing_back()


def test_the_tree_service_refuses_to_delete_a_row_the_import_keeps(imported):
    practice, _ = imported
    with pytest.raises(rules.RuleError, match="cannot be deleted here"):
        tree.delete_organisation(practice)


def test_a_row_taken_over_first_may_move_and_the_import_keeps_it(api, imported):
    practice, other_pcn = imported
    tree.update_organisation(practice, source=Source.GOVERNANCE)  # the take-over: its source alone

    response = api.post(f"{API}/organisations/{practice.code}/move/", {"parent": other_pcn.code}, format="json")

    assert response.status_code == 200
    summary = import_ods(ODS_SET, dry_run=True)
    assert sum(summary.moved.values()) == 0 and summary.kept["practice"] == 1


def test_every_field_the_import_writes_is_kept_from_editors():
    from governance.ingest.ods.write import UPDATE_FIELDS

    assert set(UPDATE_FIELDS) - {"updated_at"} <= rules.ODS_KEPT_FIELDS


# --- the importer: broken and oversized files ------------------------------------------------------


def garbage_zip(tmp_path):
    target = tmp_path / "ePCN.xlsx"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("junk.bin", b"\x00\xff" * 500)
    return OdsFiles(ODS_SET.epraccur, target, ODS_SET.lookup), "ePCN.xlsx: not a readable Excel workbook"


def broken_workbook_xml(tmp_path):
    target = tmp_path / "ePCN.xlsx"
    with zipfile.ZipFile(ODS_SET.epcn) as source, zipfile.ZipFile(target, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            archive.writestr(item, b"<workbook><sheets><sheet" if item.filename == "xl/workbook.xml" else content)
    return OdsFiles(ODS_SET.epraccur, target, ODS_SET.lookup), "ePCN.xlsx: not a readable Excel workbook"


def broken_sheet_xml(tmp_path):
    target = tmp_path / "ePCN.xlsx"
    with zipfile.ZipFile(ODS_SET.epcn) as source, zipfile.ZipFile(target, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            archive.writestr(item, content[: len(content) // 2] if "worksheets/sheet" in item.filename else content)
    return OdsFiles(ODS_SET.epraccur, target, ODS_SET.lookup), "ePCN.xlsx: not a readable Excel workbook"


def nul_in_a_practice_name(tmp_path):
    target = tmp_path / "epraccur.csv"
    lines = ODS_SET.epraccur.read_text(encoding="utf-8").splitlines(keepends=True)
    name = lines[4].split(",")[1]
    lines[4] = lines[4].replace(name, name.replace('"', "")[:3] + "\x00" + name.replace('"', "")[3:], 1)
    target.write_text("".join(lines), encoding="utf-8")
    return OdsFiles(target, ODS_SET.epcn, ODS_SET.lookup), "epraccur.csv, row 5: a NUL character in column 2"


def nul_in_a_lookup_name(tmp_path):
    target = tmp_path / "lookup.csv"
    lines = ODS_SET.lookup.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    lines[2] = lines[2].replace("NHS ", "NHS\x00", 1)
    target.write_text("".join(lines), encoding="utf-8")
    return OdsFiles(ODS_SET.epraccur, ODS_SET.epcn, target), "lookup.csv, row 3: a NUL character in column 3"


def nul_in_a_workbook_cell(tmp_path):
    """A NUL written as a character reference: not XML at all (so openpyxl cannot write one)."""
    target = tmp_path / "ePCN.xlsx"
    with zipfile.ZipFile(ODS_SET.epcn) as source, zipfile.ZipFile(target, "w") as archive:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"SITTINGBOURNE WEST PCN", b"SITTINGBOURNE&#0;WEST PCN")
            archive.writestr(item, content)
    return OdsFiles(ODS_SET.epraccur, target, ODS_SET.lookup), "ePCN.xlsx: not a readable Excel workbook"


def gzip_bomb(tmp_path):
    target = tmp_path / "epraccur.csv.gz"
    with gzip.open(target, "wb") as handle:
        for _ in range(3):
            handle.write(b"\x00" * (1024 * 1024))
    return OdsFiles(target, ODS_SET.epcn, ODS_SET.lookup), "epraccur.csv.gz: the gzip data expands to more than 2 MB"


def oversized_file(tmp_path):
    target = tmp_path / "lookup.csv"
    shutil.copy(ODS_SET.lookup, target)
    with target.open("ab") as handle:
        handle.write(b"," * (3 * 1024 * 1024))
    return OdsFiles(ODS_SET.epraccur, ODS_SET.epcn, target), "lookup.csv: the file is more than 2 MB"


def workbook_bomb(tmp_path):
    target = tmp_path / "ePCN.xlsx"
    shutil.copy(ODS_SET.epcn, target)
    with zipfile.ZipFile(target, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\x00" * (3 * 1024 * 1024))
    return OdsFiles(ODS_SET.epraccur, target, ODS_SET.lookup), "ePCN.xlsx: the workbook unzips to more than 2 MB"


BAD_ODS_FILES = [
    garbage_zip,
    broken_workbook_xml,
    broken_sheet_xml,
    nul_in_a_practice_name,
    nul_in_a_lookup_name,
    nul_in_a_workbook_cell,
    gzip_bomb,
    oversized_file,
    workbook_bomb,
]


@pytest.mark.parametrize("make_files", BAD_ODS_FILES)
def test_the_importer_refuses_hostile_files_naming_file_and_row(tmp_path, monkeypatch, make_files):
    monkeypatch.setattr(ods_files, "MAX_BYTES", 2 * 1024 * 1024)  # the real limit, 200 MB, is slow to reach
    import_ods(ODS_SET)  # so that the refused import would have had something to change
    Organisation.objects.filter(kind="practice").update(name="Renamed")
    files, message = make_files(tmp_path)
    before = database_state()

    with pytest.raises(OdsFileError) as raised:
        import_ods(files)

    assert message in str(raised.value)
    assert database_state() == before


def test_the_import_command_says_so_without_a_traceback(tmp_path):
    files, _ = garbage_zip(tmp_path)
    with pytest.raises(CommandError, match="not a readable Excel workbook"):
        call_command(
            "import_ods",
            "--epraccur",
            files.epraccur,
            "--epcn",
            files.epcn,
            "--lookup",
            files.lookup,
            stdout=io.StringIO(),
        )


# --- issue 24: one range of dates, one name rule, at every writer -------------------------------

OUT_OF_RANGE = "outside the dates icsmap holds: give a date from 1948-07-05 (the NHS's founding) to 2100-12-31"


@pytest.mark.parametrize(
    ("old", "new", "place"),
    [
        ("from: 2022-07-01}", "from: 2022-07-01, to: 9999-12-31}", "seats[0].holders[0].to: '9999-12-31'"),
        ("from: 2022-07-01}", "from: 0001-01-01}", "seats[0].holders[0].from: '0001-01-01'"),
        ("from: 2022-07-01}", "from: 1947-12-31}", "seats[0].holders[0].from: '1947-12-31'"),
        ("from: 2022-07-01}", 'from: "2101-01-01"}', "seats[0].holders[0].from: '2101-01-01'"),
    ],
)
def test_the_loader_refuses_a_date_outside_the_range_naming_its_key(tmp_path, base, old, new, place):
    message = refused_load(write(tmp_path, "dates.yaml", BASE.replace(old, new)))

    assert f"{place} is {OUT_OF_RANGE}" in message


HOSTILE_NAMES = [
    '<<TABLE><TR><TD><IMG SRC="/etc/passwd"/></TD></TR></TABLE>>',
    '<<TABLE HREF="javascript:alert(1)"><TR><TD>x</TD></TR></TABLE>>',
    "Bell\x07Surgery",
    "Line\nbreak",
    "Right\u202eto left",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_name_rule_refuses_markup_and_control_characters(name):
    assert "is not a name" in name_problem(name)


@pytest.mark.parametrize("name", ["Dr Smith & Partners", "St Mary's Surgery", "Bolton (Farnworth)", "Ōsaka — née"])
def test_the_name_rule_takes_names_people_write(name):
    assert name_problem(name) is None


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_the_loader_refuses_a_hostile_name_naming_its_key(tmp_path, base, name):
    content = BASE.replace("name: Place A", f"name: {json.dumps(name)}")

    assert "organisations[0].name: " in refused_load(write(tmp_path, "names.yaml", content))


def test_the_loader_refuses_a_hostile_holder_name_and_seat_label(tmp_path, base):
    holder = refused_load(write(tmp_path, "holder.yaml", BASE.replace("Illustrative Chair", '"A <b>chair</b>"')))
    label = refused_load(write(tmp_path, "label.yaml", BASE.replace("label: Chair", 'label: "Chair\\u0007"')))

    assert "seats[0].holders[0].name: 'A <b>chair</b>' is not a name" in holder
    assert "seats[0].label: 'Chair\\x07' is not a name" in label


@pytest.mark.parametrize(("field", "value"), [("closed", "9999-12-31"), ("opened", "0001-01-01")])
def test_the_admin_refuses_a_date_outside_the_range(admin_client, base, field, value):
    parent = Organisation.objects.get(code="QXX").pk
    errors = admin_add(admin_client, code="qxx-new", kind="board", parent=parent, **{field: value})

    assert f"{value}&#x27; is outside the dates icsmap holds: give a date from 1948-07-05" in errors


def test_the_admin_refuses_a_hostile_name(admin_client, base):
    data = form_data(admin_client.get(ADD))
    data.update(code="qxx-new", kind="board", parent=Organisation.objects.get(code="QXX").pk, source="governance")
    data["name"] = HOSTILE_NAMES[0]
    before = database_state()

    errors = errors_of(admin_client.post(ADD, data))

    assert "is not a name" in errors
    assert database_state() == before


def test_the_api_refuses_a_date_outside_the_range_and_a_hostile_name(api, base):
    seat = Organisation.objects.get(code="qxx-board").seats.get()
    before = database_state()

    appointment = {"seat": seat.pk, "person_name": "A Person", "from": "2024-01-01"}
    late = api.post(f"{API}/appointments/", {**appointment, "from": "9999-12-31"}, format="json")
    named = api.post(f"{API}/appointments/", {**appointment, "person_name": "A <b>"}, format="json")
    new_seat = {"body": "qxx-board", "label": "x\x1b[31m", "role": "representative", "selection": "elected"}
    label = api.post(f"{API}/seats/", new_seat, format="json")

    assert late.status_code == 400 and late.json() == {"from": ["Give a date from 1948-07-05 to 2100-12-31."]}
    assert named.status_code == 400 and "is not a name" in named.json()["person_name"][0]
    assert label.status_code == 400 and "is not a name" in label.json()["label"][0]
    assert database_state() == before


def test_the_api_refuses_an_as_of_date_outside_the_range_naming_the_parameter(client, base):
    response = client.get(f"{API}/organisations/QXX/", {"date": "9999-12-31"})

    assert response.status_code == 400
    assert response.json() == {"date": [f"'9999-12-31' is {OUT_OF_RANGE}."]}


# epraccur has no header: its first line is row 1.
@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('"19740401","","A"', '"19740401","99991231","C"', "row 1: close date (column 12): '9999-12-31' is outside"),
        ('"19740401","","A"', '"00010101","","A"', "row 1: open date (column 11): '0001-01-01' is outside"),
        ('"WATERLOO HOUSE SURGERY"', '"<<TABLE><TR><TD>x</TD></TR></TABLE>>"', "row 1: name (column 2): '<<TABLE>"),
        ('"WATERLOO HOUSE SURGERY"', '"WATERLOO\x0bHOUSE"', "row 1: name (column 2): 'WATERLOO\\x0bHOUSE' is not"),
    ],
)
def test_the_importer_refuses_a_date_outside_the_range_or_a_hostile_name_naming_the_row(tmp_path, old, new, message):
    target = tmp_path / "epraccur.csv"
    target.write_text(ODS_SET.epraccur.read_text().replace(old, new, 1))
    before = database_state()

    with pytest.raises(OdsFileError) as raised:
        import_ods(OdsFiles(target, ODS_SET.epcn, ODS_SET.lookup))
    assert f"epraccur.csv, {message}" in str(raised.value)
    assert database_state() == before
