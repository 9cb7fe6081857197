"""Reading the ODS files (governance/ingest/ods/files.py): every layout and year they come in,
the project's successions and division tables, the official per-practice table; a bad file
is refused naming file and row."""

import csv
import datetime
import gzip
import re

import openpyxl
import pytest

from governance.ingest.ods.files import (
    CLASSIC,
    DATA_SEARCH_EXPORT,
    ICBS_ESTABLISHED,
    OdsFileError,
    read_epraccur,
    read_lookup,
)
from governance.ingest.ods.importer import SHIPPED
from governance.ingest.ods.tables import (
    read_practice_division,
    read_sub_icb_division,
    read_successions,
    read_unit_division,
)
from tests.builders import ODS_SLICES, SET_2023, SET_SUCCESSIONS

D = datetime.date
LOOKUP = SET_2023.lookup
EPRACCUR_2025 = ODS_SLICES / "epraccur_2025-02_slice.csv"
EPRACCUR_2026 = ODS_SLICES / "epraccur_2026-02_newformat_slice.csv"


def lookup_rows(path=LOOKUP) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_csv(path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


# --- epraccur ---------------------------------------------------------------------


def test_both_epraccur_layouts_are_recognised():
    classic = read_epraccur(EPRACCUR_2025)
    new = read_epraccur(EPRACCUR_2026)
    assert classic.layout is CLASSIC
    assert new.layout is DATA_SEARCH_EXPORT
    records = {r.code: r for r in new.practices}
    assert records["B81042"].gp_practice  # RO76|RO268: several roles joined by |
    assert records["B81042"].status == "active"
    assert not records["Y00253"].gp_practice
    assert records["W91002"].in_wales  # column 3 blank in the new layout
    assert records["W93019"].in_wales  # column 3 says South West, column 24 is a Welsh board
    assert records["P81737"].status == "closed" and records["P81737"].closed == D(2025, 4, 30)
    assert {r.code: r.status for r in classic.practices}["P81737"] == "dormant"


def test_epraccur_gives_closed_practices_with_their_close_and_join_dates():
    records = {r.code: r for r in read_epraccur(SET_SUCCESSIONS.epraccur).practices}

    wexham = records["K81005"]  # Frimley, closed at the end of 2025
    assert (wexham.status, wexham.gp_practice, wexham.in_wales) == ("closed", True, False)
    assert (wexham.opened, wexham.closed, wexham.joined, wexham.sub_icb) == (
        D(1974, 4, 1),
        D(2025, 12, 31),
        D(2021, 4, 1),  # column 16: the day it joined D4U1Y (Frimley CCG, 2021)
        "D4U1Y",
    )
    assert records["F81101"].joined == D(2013, 4, 1)  # joined 99F when the CCGs began


def test_gzipped_epraccur_reads_the_same(tmp_path):
    packed = tmp_path / "epraccur.csv.gz"
    packed.write_bytes(gzip.compress(EPRACCUR_2025.read_bytes()))
    assert read_epraccur(packed).practices == read_epraccur(EPRACCUR_2025).practices


def test_the_shipped_epraccur_is_the_2026_file():
    epraccur = read_epraccur(SHIPPED.epraccur)
    assert epraccur.layout is DATA_SEARCH_EXPORT
    assert epraccur.data_date == D(2026, 2, 3)
    assert len(epraccur.practices) == 15389


# --- the ONS lookup, of any year ----------------------------------------------------


def test_lookup_may_be_the_ons_workbook(tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Metadata"
    workbook.active.append(["Data Information"])
    sheet = workbook.create_sheet("LOC22_ICB22_NHSER22_EN_LU")
    for row in lookup_rows():
        sheet.append(row)
    workbook.save(tmp_path / "lookup.xlsx")

    assert read_lookup(tmp_path / "lookup.xlsx").locations == read_lookup(LOOKUP).locations
    assert read_lookup(LOOKUP).locations["01E"].icb_code == "QE1"


@pytest.mark.parametrize(
    ("header", "year", "as_at"),
    [
        (
            "LOC22CD,LOC22CDH,LOC22NM,ICB22CD,ICB22CDH,ICB22NM,NHSER22CD,NHSER22CDH,NHSER22NM",
            2022,
            ICBS_ESTABLISHED,
        ),
        (
            "SICBL24CD,SICBL24CDH,SICBL24NM,ICB24CD,ICB24CDH,ICB24NM,NHSER24CD,NHSER24CDH,NHSER24NM",
            2024,
            D(2024, 4, 1),
        ),
        (  # the ODS codes after the ONS ones, in a different order
            "SICBL26CDH,SICBL26CD,SICBL26NM,ICB26CDH,ICB26CD,ICB26NM,NHSER26NM,NHSER26CD,NHSER26CDH",
            2026,
            D(2026, 4, 1),
        ),
    ],
)
def test_lookup_headers_of_any_year_in_either_spelling(tmp_path, header, year, as_at):
    rows = lookup_rows()

    def meaning(name: str) -> str:  # SICBL24CDH and LOC22CDH both mean the sub-ICB's ODS code
        return re.sub(r"\d\d", "", name.replace("SICBL", "LOC"))

    old = {meaning(name): i for i, name in enumerate(rows[0])}
    wanted = header.split(",")
    target = tmp_path / f"lookup_{year}.csv"
    write_csv(target, [wanted] + [[row[old[meaning(name)]] for name in wanted] for row in rows[1:]])

    lookup = read_lookup(target)

    assert (lookup.year, lookup.as_at) == (year, as_at)
    assert lookup.locations == read_lookup(LOOKUP).locations
    assert lookup.locations["01E"].icb_code == "QE1"


def test_a_lookup_with_only_ons_codes_is_refused(tmp_path):
    rows = [row[:1] + row[2:4] + row[5:7] + row[8:] for row in lookup_rows()]  # no …CDH columns
    target = tmp_path / "lookup.csv"
    write_csv(target, rows)

    with pytest.raises(OdsFileError, match=r"lookup.csv, row 2: LOC22CD holds an ONS code \(E38\d+\)"):
        read_lookup(target)


# --- successions and divisions ------------------------------------------------------


def test_the_shipped_successions_and_divisions():
    successions = read_successions(SHIPPED.successions)
    assert len(successions.successions) == 16
    assert successions.data_date == D(2026, 4, 1)
    frimley = [s for s in successions.successions if s.predecessor == "QNQ"]
    assert {(s.successor, s.type) for s in frimley} == {
        ("S0E4D", "split"),
        ("S9B9J", "split"),
        ("QRL", "acquisition"),
    }

    division = read_sub_icb_division(SHIPPED.sub_icb_division)
    where = {(share.sub_icb, share.successor_sub_icb): share for share in division.shares}
    assert len({share.sub_icb for share in division.shares}) == 24  # every sub-ICB of the twelve ICBs
    assert where["06K", "06K"].successor_icb == "S1Y5D"
    assert where["07H", "07H"].successor_icb == "D7T5G"
    assert where["07K", "07K"].successor_icb == "T6Y0W"
    assert where["D4U1Y", "U2G6B"].new_sub_icb and not where["D4U1Y", "92A"].new_sub_icb
    assert all(share.basis for share in division.shares)

    units = read_unit_division(SHIPPED.unit_division)
    assert len(units.pcns) == 16  # every PCN run from D4U1Y in the ePCN workbook of January 2025
    assert units.pcns["U14694"].successor_sub_icb == "U2G6B"  # Central Slough
    assert units.pcns["U90174"].successor_sub_icb == "D9Y0V"  # Farnborough
    assert units.pcns["U67032"].successor_sub_icb == "92A"  # Surrey Heath
    assert set(units.practices) == {"H81110", "K81066", "Y01253"}  # Frimley practices in no PCN
    assert all(share.basis for share in [*units.pcns.values(), *units.practices.values()])


SUCCESSION_HEADER = "predecessor_ods,predecessor_name,successor_ods,successor_name,succession_date,succession_type"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["QNQ,NHS Frimley,S0E4D,NHS Thames Valley,2026-04-01,takeover"], "row 2: succession_type 'takeover'"),
        (["QNQ,NHS Frimley,S0E4D,NHS Thames Valley,1 April 2026,split"], "row 2: succession_date '1 April 2026'"),
        (["QNQ,NHS Frimley,S0/E4D,NHS Thames Valley,2026-04-01,split"], "row 2: successor_ods: 'S0/E4D'"),
        (["QNQ,NHS Frimley,QNQ,NHS Frimley,2026-04-01,merger"], "row 2: QNQ cannot succeed itself"),
        (
            ["QNQ,NHS Frimley,S0E4D,A,2026-04-01,split", "QNQ,NHS Frimley,QRL,B,2026-05-01,acquisition"],
            "row 3: QNQ is succeeded on 2026-05-01 here, but on 2026-04-01 on row 2",
        ),
        (
            ["QNQ,NHS Frimley,S0E4D,A,2026-04-01,split", "QNQ,NHS Frimley,S0E4D,A,2026-04-01,split"],
            "row 3: QNQ → S0E4D is already on row 2",
        ),
        (["QNQ,NHS Frimley,S0E4D,2026-04-01,split"], "row 2: 5 columns, the header has 6"),
        # issue 24: a cycle erased NHS Essex; dates outside the range reopened the closed ICBs
        (
            [
                "QH8,NHS Mid and South Essex,D7T5G,NHS Essex,2026-04-01,merger",
                "D7T5G,NHS Essex,QH8,A,2026-04-01,merger",
            ],
            "row 3: D7T5G is succeeded on 2026-04-01, but it only opens on 2026-04-01 (row 2)",
        ),
        (
            ["QH8,A,D7T5G,B,2026-04-01,merger", "D7T5G,B,QXY,C,2027-04-01,merger", "QXY,C,QH8,A,2028-04-01,merger"],
            "row 2: QH8 is succeeded on 2026-04-01, but it only opens on 2028-04-01 (row 4)",
        ),
        (
            ["QH8,A,D7T5G,B,2027-04-01,merger", "D7T5G,B,QXY,C,2026-04-01,merger"],
            "row 3: D7T5G is succeeded on 2026-04-01, but it only opens on 2027-04-01 (row 2)",
        ),
        (["QH8,A,D7T5G,B,9999-12-31,merger"], "row 2: succession_date: '9999-12-31' is outside the dates icsmap holds"),
        (["QH8,A,D7T5G,B,0001-01-01,merger"], "row 2: succession_date: '0001-01-01' is outside the dates icsmap holds"),
    ],
)
def test_a_malformed_successions_file_is_refused_naming_the_row(tmp_path, rows, message):
    target = tmp_path / "successions.csv"
    target.write_text("\n".join([SUCCESSION_HEADER, *rows]) + "\n")

    with pytest.raises(OdsFileError) as raised:
        read_successions(target)
    assert str(raised.value).startswith("successions.csv")
    assert message in str(raised.value)


def test_a_successions_file_without_its_columns_is_refused(tmp_path):
    target = tmp_path / "successions.csv"
    target.write_text("from,to,date\nQNQ,S0E4D,2026-04-01\n")

    with pytest.raises(OdsFileError, match=r"successions.csv, row 1: no column 'predecessor_ods'"):
        read_successions(target)


DIVISION_HEADER = (
    "sub_icb,sub_icb_name,predecessor_icb,successor_icb,successor_sub_icb,successor_sub_icb_name,new_sub_icb,basis"
)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["06K,Herts,QM7,S1Y5D,06K,Herts,no,"], "row 2: no basis"),
        (["06K,Herts,QM7,S1Y5D,06K,Herts,maybe,why"], "row 2: new_sub_icb 'maybe' is neither yes nor no"),
        (["06K,Herts,QM7,S1Y5D,06K,Herts,yes,why"], "row 2: 06K keeps its code, so it is not a new sub-ICB"),
        (
            ["06K,Herts,QM7,S1Y5D,06K,Herts,no,why", "06K,Herts,QJG,D7T5G,06K,Herts,no,why"],
            "row 3: 06K → 06K is already on row 2",
        ),
        (
            ["06K,Herts,QM7,S1Y5D,06K,Herts,no,why", "06K,Herts,QJG,D7T5G,X1,X,yes,why"],
            "row 3: 06K is in QJG here, but in QM7 on row 2",
        ),
        (
            ["D4U1Y,F,QNQ,S0E4D,D4U1Y,F,no,why", "D4U1Y,F,QNQ,QRL,D9Y0V,H,no,why"],
            "row 3: D4U1Y either goes whole (keeping its code) or is divided, not both",
        ),
    ],
)
def test_a_malformed_sub_icb_division_is_refused_naming_the_row(tmp_path, rows, message):
    target = tmp_path / "division.csv"
    target.write_text("\n".join([DIVISION_HEADER, *rows]) + "\n")

    with pytest.raises(OdsFileError) as raised:
        read_sub_icb_division(target)
    assert str(raised.value).startswith("division.csv")
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (["place,U14694,D4U1Y,U2G6B,Slough"], "row 2: unit 'place' is neither pcn nor practice"),
        (["pcn,U14694,D4U1Y,U2G6B,"], "row 2: no basis"),
        (["pcn,U14694,D4U1Y,U2G6B,Slough", "pcn,U14694,D4U1Y,92A,Slough"], "row 3: pcn U14694 is already on row 2"),
        (["pcn,,D4U1Y,U2G6B,Slough"], "row 2: code is empty"),
    ],
)
def test_a_malformed_unit_division_is_refused_naming_the_row(tmp_path, rows, message):
    target = tmp_path / "units.csv"
    target.write_text("\n".join(["unit,code,sub_icb,successor_sub_icb,basis", *rows]) + "\n")

    with pytest.raises(OdsFileError) as raised:
        read_unit_division(target)
    assert message in str(raised.value)


# --- the official per-practice table -------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        ["Practice Code", "New Sub ICB Location Code"],
        ["Organisation Code", "Practice Name", "Sub-ICB Location (from 1 April 2026)"],
        ["GP Practice ODS Code", "Old SICBL code", "New SICBL code", "New SICBL name"],
        ["practice", "Commissioner"],
    ],
)
def test_the_official_division_table_is_read_whatever_its_headers(tmp_path, header):
    values = {"practice": "K81034", "sub": "U2G6B"}

    def cell(title):
        words = title.lower()
        if "name" in words:
            return "CROSBY HOUSE SURGERY"
        if "old" in words:
            return "D4U1Y"
        return values["sub"] if any(k in words for k in ("sub", "sicbl", "commissioner")) else values["practice"]

    workbook = openpyxl.Workbook()
    workbook.active.append(["Frimley practices from 1 April 2026"])  # a title row above the header
    workbook.active.append(header)
    workbook.active.append([cell(title) for title in header])
    workbook.save(tmp_path / "division.xlsx")

    division = read_practice_division(tmp_path / "division.xlsx")

    assert {code: move.sub_icb for code, move in division.practices.items()} == {"K81034": "U2G6B"}
    assert division.practices["K81034"].row == 3


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["Practice Code,Old Sub ICB Code,Sub ICB Code", "K81034,D4U1Y,U2G6B"], "cannot tell which of"),
        (["Practice,Town", "K81034,Slough"], "no practice code column and sub-ICB code column"),
        (["Practice Code,New Sub ICB Code", "K81034,U2G6B", "K81034,92A"], "row 3: K81034 goes to 92A here"),
        (["Practice Code,New Sub ICB Code", "K81034,U2/G6B"], "row 2: new sub-ICB code: 'U2/G6B'"),
        (["Practice Code,New Sub ICB Code"], "no practices below the header"),
    ],
)
def test_a_malformed_official_division_table_is_refused(tmp_path, lines, message):
    target = tmp_path / "division.csv"
    target.write_text("\n".join(lines) + "\n")

    with pytest.raises(OdsFileError) as raised:
        read_practice_division(target)
    assert str(raised.value).startswith("division.csv")
    assert message in str(raised.value)
