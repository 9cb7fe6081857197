"""The ODS import (governance/ingest/ods/importer.py): trees, re-imports, governance rows, bad
files, the command; on small slices of real ODS rows (tests/data/ods/, cut by make_slices.py
there) and, once, on the full set the project ships. What it keeps in time (links,
successions, divisions) is tested in test_timeline.py."""

import csv
import datetime
import gzip
import io
import re
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.domain import tree_check
from governance.ingest.ods import OdsImportError
from governance.ingest.ods.files import OdsFileError, read_epraccur
from governance.ingest.ods.importer import SHIPPED, STEPS, OdsConflictError, OdsFiles, import_ods
from governance.models import Link, Organisation
from tests.builders import ODS_SLICES, SET_2023, SET_SUCCESSIONS, database_state, org

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2026, 12, 2)
DATA = ODS_SLICES
LOOKUP = SET_2023.lookup
EPCN_2023 = SET_2023.epcn
EPCN_2025 = DATA / "ePCN_2025-01_slice.xlsx"
SET_2025 = OdsFiles(DATA / "epraccur_2025-02_slice.csv", EPCN_2025, LOOKUP)
SET_2026 = OdsFiles(DATA / "epraccur_2026-02_newformat_slice.csv", EPCN_2025, LOOKUP)


def get(code: str) -> Organisation:
    return Organisation.objects.select_related("parent", "sub_icb").get(code=code)


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def kinds() -> Counter:
    return Counter(Organisation.objects.values_list("kind", flat=True))


def assert_tree_whole():
    diagnosis = tree_check.diagnose()
    assert diagnosis.ok, diagnosis.problems[:5]


def root_of(code: str) -> str:
    node = get(code)
    return Organisation.objects.get(tree_id=node.tree_id, parent=None).code


# --- a first import ---------------------------------------------------------------


def test_first_import_builds_one_tree_per_icb():
    summary = import_ods(SET_2023)

    assert kinds() == {"icb": 4, "place": 11, "pcn": 12, "practice": 22}
    assert summary.created == {"icb": 4, "place": 11, "pcn": 12, "practice": 22}
    assert set(Organisation.objects.values_list("source", flat=True)) == {"ods"}
    assert Organisation.objects.filter(parent=None).count() == 4  # one tree per ICB

    icb = get("QE1")
    assert (icb.kind, icb.name, icb.region) == (
        "icb",
        "NHS Lancashire and South Cumbria Integrated Care Board",
        "North West",
    )
    place = get("01E")
    assert (place.kind, place.parent.code, place.name) == ("place", "QE1", "NHS Lancashire and South Cumbria ICB - 01E")
    pcn = get("U22273")
    assert (pcn.kind, pcn.parent.code, pcn.name, pcn.opened) == (
        "pcn",
        "01E",
        "SOUTH RIBBLE MEDICAL GROUP PCN",
        D(2019, 10, 1),
    )
    practice = get("P81018")
    assert (practice.kind, practice.parent.code, practice.sub_icb.code) == ("practice", "U22273", "01E")
    assert (practice.postcode, practice.opened, practice.closed) == ("PR1 0AD", D(1974, 4, 1), None)

    # No current PCN: under its own sub-ICB place.
    assert get("Y02854").parent.code == "00R"
    assert "Y02854 (00R)" in summary.anomalies["practice_no_pcn"]
    # In a PCN run from another sub-ICB: tree parent the PCN, sub_icb its own.
    assert (get("P81181").parent.code, get("P81181").sub_icb.code) == ("U22273", "00X")
    assert any(a.startswith("P81181 ") for a in summary.anomalies["cross_sub_icb"])
    # ... or from another ICB: it sits in that ICB's tree.
    cornish = get("L82008")
    assert (cornish.parent.code, cornish.sub_icb.code, cornish.sub_icb.parent.code) == ("U41591", "11N", "QT6")
    assert root_of("L82008") == "QJK"
    assert len(summary.anomalies["cross_icb"]) == 2

    assert summary.skipped[("practice", "in Wales")] == 1
    assert summary.skipped[("practice", "other prescribing setting")] == 2
    assert not Organisation.objects.filter(code__in=["W91002", "Y00253", "Y00301", "U08744"]).exists()
    assert_tree_whole()


def test_new_layout_epraccur_with_the_2025_epcn():
    summary = import_ods(SET_2026, today=TODAY)

    # 18 active practices, and the 5 that closed since July 2022 (kept, closed, for the past).
    assert kinds()["practice"] == 23
    closed = dict(Organisation.objects.filter(kind="practice", closed__isnull=False).values_list("code", "closed"))
    assert closed == {
        "A82077": D(2024, 10, 31),
        "L82618": D(2024, 3, 31),
        "P81737": D(2025, 4, 30),
        "P81738": D(2024, 3, 31),
        "Y03656": D(2024, 6, 30),
    }
    assert summary.skipped[("practice", "in Wales")] == 2
    assert get("B81042").parent.code == "02Y"  # no membership in the 2025 ePCN slice
    assert get("P81018").parent.code == "U49070"
    assert get("A82077").parent.code == "U17992"  # closed: stays in the PCN it was in on its last day
    assert not Organisation.objects.filter(code="W93019").exists()
    assert "A82077 in U17992: ends 2024-10-31" in summary.anomalies["membership_clipped"]
    assert_tree_whole()


# --- re-imports -------------------------------------------------------------------


def test_reimport_moves_closes_and_reopens():
    import_ods(SET_2023)
    count_before = Organisation.objects.count()

    summary = import_ods(SET_2025)

    assert get("A82033").parent.code == "U16644"  # moved to a PCN new in 2025
    assert (get("P81018").parent.code, get("P81181").parent.code) == ("U49070", "U09100")
    assert get("P81181").sub_icb.code == "00X"
    # Ten moved to another PCN, and P81738 (closed 2024-03-31) to its place: its membership of
    # U09057 ended on 2023-04-14, so on its last day it was in no PCN.
    assert summary.moved["practice"] == 11
    assert get("P81738").parent.code == "01A"
    assert summary.created["pcn"] == 4
    # Closed: the file's close date if it has one, else its data date; nothing deleted.
    assert get("A82077").closed == D(2024, 10, 31)
    assert get("U22273").closed == D(2023, 3, 31)
    assert get("P81737").closed == read_epraccur(SET_2025.epraccur).data_date  # dormant: no close date
    assert summary.closed == {"pcn": 1, "practice": 5}
    assert get("U17992").name == "BARROW TOGETHER PCN"
    assert Organisation.objects.count() == count_before + 4
    assert_tree_whole()

    # A later file knows the date a row we closed for want of one really closed.
    import_ods(SET_2026)
    assert get("P81737").closed == D(2025, 4, 30)

    summary = import_ods(SET_2023)
    assert get("A82077").closed is None
    assert get("P81018").parent.code == "U22273"
    assert get("U22273").closed is None
    assert summary.reopened == {"pcn": 1, "practice": 5}
    assert get("U16644").closed is not None  # not in the 2023 file
    assert_tree_whole()


def test_same_files_twice_writes_nothing():
    import_ods(SET_2023)
    import_ods(SET_2025)
    before = database_state()

    with CaptureQueriesContext(connection) as queries:
        summary = import_ods(SET_2025)

    assert writes(queries) == []
    assert summary.changed == 0
    assert database_state() == before


def test_dry_run_writes_nothing():
    with CaptureQueriesContext(connection) as queries:
        summary = import_ods(SET_2023, dry_run=True)
    assert writes(queries) == []
    assert Organisation.objects.count() == 0
    assert summary.created["practice"] == 22
    assert "Dry run" in summary.report()

    import_ods(SET_2023)
    before = database_state()
    summary = import_ods(SET_2025, dry_run=True)
    assert summary.moved["practice"] == 11
    assert database_state() == before


# --- governance rows --------------------------------------------------------------


def test_governance_rows_are_adopted_never_changed():
    icb = org("QE1", "icb", name="Lancashire and South Cumbria (as governance names it)")
    place = org("00X", "place", parent=icb, name="Central Lancashire")
    pcn = org("U34632", "pcn", parent=place, name="Bridgedale (as governance names it)")
    practice = org("P81738", "practice", parent=place, name="Great Harwood, kept by hand")

    summary = import_ods(SET_2023)

    assert Organisation.objects.filter(code="U34632").count() == 1
    assert summary.kept == {"icb": 1, "place": 1, "pcn": 1, "practice": 1}
    assert summary.created["icb"] == 3
    assert get("P81185").parent_id == pcn.pk  # the import's practice, under the governance PCN
    assert get("P81181").sub_icb_id == place.pk
    for kept in (icb, place, pcn, practice):
        row = get(kept.code)
        assert (row.name, row.parent_id, row.source, row.closed) == (kept.name, kept.parent_id, "governance", None)
    # They sit under their tree parent on every day: no dated links of theirs; links to them, yes.
    assert not Link.objects.filter(child__source="governance").exists()
    assert Link.objects.get(child__code="P81185", relation="pcn_member").parent_id == pcn.pk

    import_ods(SET_2025)  # P81738 closes in 2025: not a row the import may close
    assert get("P81738").closed is None
    assert get("U34632").name == "Bridgedale (as governance names it)"
    assert_tree_whole()


def test_a_code_held_by_another_kind_stops_the_import():
    icb = org("QE1", "icb")
    org("U22273", "board", parent=icb, name="A board that took a PCN's code")
    before = database_state()

    with pytest.raises(OdsConflictError, match="U22273 is a board"):
        import_ods(SET_2023)
    assert database_state() == before


# --- bad files: a clear error, nothing written --------------------------------------


def edit_workbook(source: Path, target: Path, change) -> Path:
    workbook = openpyxl.load_workbook(source)
    change(workbook)
    workbook.save(target)
    return target


def pcn_row(sheet, code: str) -> int:
    return next(cell.row for cell in sheet["A"] if cell.value == code)


def missing_epraccur(tmp_path):
    return OdsFiles(tmp_path / "epraccur.csv", EPCN_2025, LOOKUP), "epraccur.csv: file not found"


def short_epraccur_row(tmp_path):
    lines = SET_2025.epraccur.read_text().splitlines()
    lines[2] = lines[2].rsplit(",", 1)[0]
    target = tmp_path / "epraccur.csv"
    target.write_text("\n".join(lines) + "\n")
    return OdsFiles(target, EPCN_2025, LOOKUP), "epraccur.csv, row 3: 26 columns, expected 27"


def bad_date(tmp_path):
    target = tmp_path / "epraccur.csv"
    target.write_text(SET_2025.epraccur.read_text().replace('"19740401"', '"1974-04-01"', 1))
    return OdsFiles(target, EPCN_2025, LOOKUP), "is not a date"


def missing_column(tmp_path):
    def drop(workbook):
        workbook["PCNDetails"].delete_cols(3)  # Current Sub ICB Loc Code

    target = edit_workbook(EPCN_2025, tmp_path / "ePCN.xlsx", drop)
    return OdsFiles(
        SET_2025.epraccur, target, LOOKUP
    ), "ePCN.xlsx, sheet PCNDetails, row 1: no column 'Current Sub ICB Loc Code'"


def missing_lookup_column(tmp_path):
    target = tmp_path / "lookup.csv"
    target.write_text(LOOKUP.read_text(encoding="utf-8-sig").replace("ICB22NM", "ICB_NAME"))
    return OdsFiles(SET_2025.epraccur, EPCN_2025, target), "lookup.csv, row 1: no column like ICB\\d\\dNM"


def missing_sheet(tmp_path):
    def drop(workbook):
        del workbook["PCN Core Partner Details"]

    target = edit_workbook(EPCN_2025, tmp_path / "ePCN.xlsx", drop)
    return OdsFiles(SET_2025.epraccur, target, LOOKUP), "ePCN.xlsx, sheet PCN Core Partner Details: no such sheet"


def pcn_run_from_nowhere(tmp_path):
    row = {}

    def point_nowhere(workbook):
        sheet = workbook["PCNDetails"]
        row["number"] = pcn_row(sheet, "U49070")
        sheet.cell(row=row["number"], column=3).value = "99Z"

    target = edit_workbook(EPCN_2025, tmp_path / "ePCN.xlsx", point_nowhere)
    expected = f"ePCN.xlsx, sheet PCNDetails, row {row['number']}: PCN U49070 is run from sub-ICB 99Z"
    return OdsFiles(SET_2025.epraccur, target, LOOKUP), expected


def member_of_unknown_pcn(tmp_path):
    def point_nowhere(workbook):
        workbook["PCN Core Partner Details"].cell(row=2, column=5).value = "U00001"

    target = edit_workbook(EPCN_2025, tmp_path / "ePCN.xlsx", point_nowhere)
    return OdsFiles(SET_2025.epraccur, target, LOOKUP), "sheet PCN Core Partner Details, row 2: PCN U00001 is not in"


def not_a_workbook(tmp_path):
    target = tmp_path / "ePCN.xlsx"
    shutil.copy(SET_2025.epraccur, target)
    return OdsFiles(SET_2025.epraccur, target, LOOKUP), "ePCN.xlsx: not a readable Excel workbook"


@pytest.mark.parametrize(
    "make_files",
    [
        missing_epraccur,
        short_epraccur_row,
        bad_date,
        missing_column,
        missing_lookup_column,
        missing_sheet,
        pcn_run_from_nowhere,
        member_of_unknown_pcn,
        not_a_workbook,
    ],
)
def test_bad_files_stop_the_import_and_write_nothing(tmp_path, make_files):
    import_ods(SET_2023)  # so the bad import would have had things to change
    files, message = make_files(tmp_path)
    before = database_state()

    with pytest.raises(OdsFileError) as raised:
        import_ods(files)

    assert message in str(raised.value)
    assert database_state() == before


# --- anomalies that do not stop the import ----------------------------------------


def test_a_practice_with_two_current_pcns_goes_to_the_one_joined_later(tmp_path):
    def second_membership(workbook):
        sheet = workbook["PCN Core Partner Details"]
        row = [cell.value for cell in sheet[pcn_row(sheet, "P81185")]]
        row[4], row[8] = "U09100", "20240101"  # P81185 also in U09100, since 2024
        sheet.append(row)

    epcn = edit_workbook(EPCN_2025, tmp_path / "ePCN.xlsx", second_membership)
    summary = import_ods(OdsFiles(SET_2025.epraccur, epcn, LOOKUP), today=TODAY)

    # The later start wins; the other ends the day before, and the file's overlap is noted.
    assert get("P81185").parent.code == "U09100"
    memberships = Link.objects.filter(child__code="P81185", relation="pcn_member").order_by("start")
    assert [(m.parent.code, m.start, m.end) for m in memberships] == [
        ("U34632", D(2019, 10, 1), D(2023, 12, 31)),
        ("U09100", D(2024, 1, 1), None),
    ]
    assert summary.anomalies["membership_overlap"] == [
        "P81185: U34632 (from 2019-10-01) ends 2023-12-31, as U09100 starts 2024-01-01"
    ]


def test_a_practice_whose_sub_icb_is_unknown_is_left_as_it_was(tmp_path):
    import_ods(SET_2023)
    before = get("P81018")
    lines = SET_2025.epraccur.read_text().splitlines(keepends=True)
    target = tmp_path / "epraccur.csv"
    target.write_text(
        "".join(line.replace('"01E"', '"112"') if line.startswith('"P81018"') else line for line in lines)
    )

    summary = import_ods(OdsFiles(target, EPCN_2025, LOOKUP))

    assert summary.anomalies["practice_sub_icb_unknown"] == ["P81018 (112)"]
    after = get("P81018")
    assert (after.parent_id, after.sub_icb_id, after.closed) == (before.parent_id, before.sub_icb_id, None)
    assert_tree_whole()


# --- the command ------------------------------------------------------------------


def test_command_prints_a_summary():
    out = io.StringIO()
    args = ["--epraccur", SET_2023.epraccur, "--epcn", SET_2023.epcn, "--lookup", SET_2023.lookup]
    call_command("import_ods", *args, "--dry-run", stdout=out)
    assert Organisation.objects.count() == 0
    assert "Dry run: nothing was written." in out.getvalue()

    call_command("import_ods", *args, "--quiet", stdout=out)
    report = out.getvalue()
    assert "practice" in report and "Anomalies:" in report and "Took" in report
    assert kinds()["practice"] == 22


def test_command_lists_every_row_not_used_with_verbosity_2():
    args = ["--epraccur", SET_2023.epraccur, "--epcn", SET_2023.epcn, "--lookup", SET_2023.lookup, "--dry-run"]
    short, every = io.StringIO(), io.StringIO()

    call_command("import_ods", *args, stdout=short)
    call_command("import_ods", *args, "--verbosity", "2", stdout=every)

    last = "QRV → Z9B2Z (icb_successions_2026-04.csv, row 17)"  # the 16th succession out of the slice's lookup
    assert "--verbosity 2 lists every one" in short.getvalue() and last not in short.getvalue()
    assert f"\n    {last}\n" in every.getvalue()


def test_command_prints_nothing_with_verbosity_0_and_still_imports():
    args = ["--epraccur", SET_2023.epraccur, "--epcn", SET_2023.epcn, "--lookup", SET_2023.lookup, "--quiet"]
    out = io.StringIO()

    call_command("import_ods", *args, "--verbosity", "0", stdout=out)

    assert out.getvalue() == ""
    assert kinds()["practice"] == 22


def test_command_takes_the_successions_and_division_files(tmp_path):
    table = tmp_path / "official.csv"
    table.write_text("Practice Code,New Sub ICB Code\nK81034,92A\n")
    files = SET_SUCCESSIONS
    args = ["--epraccur", files.epraccur, "--epcn", files.epcn, "--lookup", files.lookup]
    shipped = ["--successions", SHIPPED.successions, "--sub-icb-division", SHIPPED.sub_icb_division]
    out = io.StringIO()

    call_command("import_ods", *args, *shipped, "--division", table, "--quiet", stdout=out)

    assert "official.csv (1 practices, official)" in out.getvalue()
    assert re.search(r"\nsuccessions +16 +16 +0 +0\n", out.getvalue())
    assert Link.objects.get(child__code="K81034", relation="practice_sub_icb", end=None).parent.code == "92A"


def test_command_names_the_bad_file(tmp_path):
    with pytest.raises(CommandError, match=r"nowhere\.csv: file not found"):
        call_command("import_ods", "--epraccur", tmp_path / "nowhere.csv", "--quiet", stdout=io.StringIO())


def test_progress_is_reported_step_by_step():
    steps = []
    import_ods(SET_2023, progress=steps.append)
    assert tuple(steps) == STEPS


def test_errors_share_one_base_class():
    assert issubclass(OdsFileError, OdsImportError) and issubclass(OdsConflictError, OdsImportError)


# --- the shipped set, in full -----------------------------------------------------


def practices_per_icb_in_raw_files() -> Counter:
    """Active English GP practices per ICB of 2022, from the shipped files with csv and gzip alone."""
    with SHIPPED.lookup.open(encoding="utf-8-sig", newline="") as handle:
        icb_of = {row["LOC22CDH"]: row["ICB22CDH"] for row in csv.DictReader(handle)}
    counts = Counter()
    with gzip.open(SHIPPED.epraccur, "rt", encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            welsh = row[2] == "W00" or row[23].startswith("7A")
            if row[12] == "ACTIVE" and "RO76" in row[25].split("|") and not welsh and row[23] in icb_of:
                counts[icb_of[row[23]]] += 1
    return counts


@pytest.mark.slow
def test_the_shipped_set_imports_whole(shipped_england):
    summary = shipped_england  # import_ods(today=TODAY), shared (conftest)

    # 42 ICBs of 2022 and the 6 of April 2026; 106 sub-ICB locations and U2G6B; 1,285 open PCNs,
    # 19 closed since July 2022 and 26 first seen in the map of 1 August 2026; 6,207 active
    # practices and 379 closed since July 2022.
    assert kinds() == {"icb": 48, "place": 107, "pcn": 1330, "practice": 6586}
    assert Organisation.objects.filter(kind="practice", closed__isnull=True).count() == 6207
    # Each open practice in its ICB of 31 March 2026 (the lookup's, until the successions).
    last_day = D(2026, 3, 31)
    current = Link.objects.current_on(last_day)
    own = current.filter(relation="practice_sub_icb", child__closed__isnull=True).values_list("parent__code", flat=True)
    icb_of = dict(current.filter(relation="sub_icb_icb").values_list("child__code", "parent__code"))
    assert Counter(icb_of[place] for place in own) == practices_per_icb_in_raw_files()
    qop = get("QOP")
    assert (qop.region, qop.opened, qop.closed) == ("North West", D(2022, 7, 1), None)
    assert qop.get_descendants().filter(kind="place").count() == 10
    assert qop.get_descendants().filter(kind="pcn").open_on(TODAY).count() == 65
    assert Organisation.objects.filter(kind="practice", sub_icb__parent=qop).open_on(TODAY).count() == 408
    assert (
        len(summary.anomalies["practice_no_pcn"]) == 93
    )  # one of the 94 of January 2025 is in a PCN in the map of August 2026
    assert len(summary.anomalies["cross_icb"]) == 2
    assert_tree_whole()
