"""Cut the small slices of real ODS data that tests/test_import_ods.py uses.

Run once, from the project root, with the full files at hand:

    .venv/bin/python tests/data/ods/make_slices.py [/work/shared/data/ods]

Rows are copied as they are: csv lines byte for byte, workbook rows cell for cell
under the real sheet names and headers (embedded newlines and trailing space
included). The slice: practices of two ICBs, Lancashire and South Cumbria (QE1)
and Cornwall (QT6), chosen for what happened to them between the 2023 and 2025
files (PCN moves, closures, no PCN, a dormant member, PCNs run from another sub-ICB
or ICB), plus a few rows that must be skipped (Wales, other prescribing settings).
"""

import sys
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
SOURCE = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data/ods")

PRACTICES = {
    # QE1, Lancashire and South Cumbria
    "A82033",  # moves PCN, U17992 → U16644
    "A82077",  # closes 2024-10-31, still listed as a current PCN member in 2025
    "P81016",  # with P81115: moves U97645 → U64436
    "P81115",
    "P81018",  # U22273 (closed by 2025) members spread over three PCNs
    "P81040",
    "P81169",
    "P81179",
    "P81181",  # 00X practice in PCNs run from 01E
    "P81687",
    "P81692",
    "P81079",  # 02M practice in a PCN run from 00R
    "P81185",  # 01E practice in a PCN run from 00X
    "P81737",  # dormant in 2025, still a current member of U26788
    "P81738",  # closes 2024-03-31
    "Y03656",  # closes 2024-06-30
    "Y02854",  # no PCN
    # QT6, Cornwall
    "L82007",  # no PCN
    "L82620",  # no PCN
    "L82618",  # no PCN; closes 2024-03-31
    "L82008",  # with Y01127: in PCN U41591, run from Devon (15N, QJK)
    "Y01127",
    # skipped rows
    "Y00253",  # QE1, prescribing setting 9 (community health)
    "Y00301",  # QE1, setting 2 (out of hours)
    "W91002",  # Wales
}
NEW_FORMAT_ONLY = {
    "W93019",  # Welsh (sub-ICB 7A6) though column 3 says South West
    "B81042",  # roles RO76|RO268, in 02Y (QOQ)
}
SUB_ICBS = {"00Q", "00R", "00X", "01A", "01E", "01K", "02G", "02M", "11N", "15N", "02Y"}
CLOSED_PCN_OF_A_FORMER_CCG = "U08744"  # closed 2020, run from 10D, which LOC22 does not have


def cut_lines(source: Path, target: Path, keep) -> None:
    lines = source.read_bytes().splitlines(keepends=True)
    target.write_bytes(b"".join(line for i, line in enumerate(lines) if keep(i, line)))


def code_of(line: bytes) -> str:
    return line.split(b",", 1)[0].strip(b'"').decode()


def cut_epcn(source: Path, target: Path) -> None:
    original = openpyxl.load_workbook(source, read_only=True)
    details = list(original["PCNDetails"].iter_rows(values_only=True))
    members = list(original["PCN Core Partner Details"].iter_rows(values_only=True))
    original.close()
    kept_members = [members[0]] + [row for row in members[1:] if row[0] in PRACTICES]
    pcns = {row[4] for row in kept_members[1:]} | {CLOSED_PCN_OF_A_FORMER_CCG}
    kept_details = [details[0]] + [row for row in details[1:] if row[0] in pcns]
    workbook = openpyxl.Workbook()
    workbook.active.title = "PCNDetails"
    for row in kept_details:
        workbook["PCNDetails"].append(row)
    sheet = workbook.create_sheet("PCN Core Partner Details")
    for row in kept_members:
        sheet.append(row)
    workbook.save(target)


def main() -> None:
    cut_lines(
        SOURCE / "LOC22_ICB22_NHSER22_EN_LU.csv",
        HERE / "LOC22_slice.csv",
        lambda i, line: i == 0 or line.split(b",")[1].decode() in SUB_ICBS,
    )
    for name in ("epraccur_2023-02", "epraccur_2025-02"):
        cut_lines(SOURCE / f"{name}.csv", HERE / f"{name}_slice.csv", lambda i, line: code_of(line) in PRACTICES)
    cut_lines(
        SOURCE / "epraccur_2026-02_newformat.csv",
        HERE / "epraccur_2026-02_newformat_slice.csv",
        lambda i, line: code_of(line) in PRACTICES | NEW_FORMAT_ONLY,
    )
    for name in ("ePCN_2023-01", "ePCN_2025-01"):
        cut_epcn(SOURCE / f"{name}.xlsx", HERE / f"{name}_slice.xlsx")


if __name__ == "__main__":
    main()
