"""Cut the small slices of real ODS data that the tests in tests/ingest/ods/ use.

Run once, from the project root, with the full files at hand:

    .venv/bin/python tests/data/ods/make_slices.py [/work/shared/data/ods]

Rows are copied as they are: csv lines byte for byte, workbook rows cell for cell
under the real sheet names and headers (embedded newlines and trailing space
included). The slice: practices of two ICBs, Lancashire and South Cumbria (QE1)
and Cornwall (QT6), chosen for what happened to them between the 2023 and 2025
files (PCN moves, closures, no PCN, a dormant member, PCNs run from another sub-ICB
or ICB), plus a few rows that must be skipped (Wales, other prescribing settings).

A second slice (``*_successions_slice.*``) is for the ICB successions of 1 April 2026:
every sub-ICB location of the twelve ICBs that closed and of NHS Hampshire and Isle of
Wight (QRL), with a practice or two of each (2026 epraccur) and their ePCN rows: Frimley
practices of Slough, Farnborough and Camberley, ones with no PCN, closed ones (before and
after July 2022), one whose memberships overlap in the file, and a Surrey Heartlands
practice that was never in Frimley. It holds every PCN and practice that the shipped Frimley
division (``fixtures/ods/frimley_division_2026-04.csv``) names, as the whole files do: the
import refuses a division row naming a unit the files do not have.
"""

import csv
import sys
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
FRIMLEY_DIVISION = HERE.parents[2] / "fixtures" / "ods" / "frimley_division_2026-04.csv"
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
SUCCESSION_PRACTICES = {
    "D81047",  # 06K (Hertfordshire) → NHS Central East
    "E82001",  # 06N (Hertfordshire) → NHS Central East
    "F81009",  # 07H (West Essex) → NHS Essex
    "F81012",  # 06T (North East Essex) → NHS Essex
    "D83004",  # 06L (Suffolk) → NHS Norfolk and Suffolk
    "D83005",  # 07K (Suffolk) → NHS Norfolk and Suffolk
    "F81101",  # 99F, Mid and South Essex (merged) → NHS Essex
    "E81002",  # M1J4Y, Bedfordshire, Luton and Milton Keynes (merged)
    "D81001",  # 06H, Cambridgeshire and Peterborough (merged)
    "D82001",  # 26A, Norfolk and Waveney (merged)
    "E83003",  # 93C, North Central London (merged)
    "E84002",  # W2U3Z, North West London (merged)
    "G81001",  # 09D, Sussex (merged)
    "K84001",  # 10Q, Buckinghamshire, Oxfordshire and Berkshire West (merged)
    "H81002",  # 92A, Surrey Heartlands: never in Frimley
    "J82001",  # D9Y0V, Hampshire and Isle of Wight (QRL), which takes part of Frimley
    "K81034",  # Frimley, Slough, Central Slough Network PCN → U2G6B
    "J82015",  # Frimley, Farnborough, Farnborough PCN → D9Y0V
    "H81069",  # Frimley, Camberley, Surrey Heath PCN → 92A
    "H81110",  # Frimley, Farnham, left its PCN in 2023 → 92A by the practice division
    "K81066",  # Frimley, Maidenhead, in no PCN → U2G6B by the practice division
    "K81005",  # Frimley, closed 2025-12-31 (before the division)
    "K81059",  # Frimley, changed PCN in 2021, closed 2023-12-31
    "K81656",  # Frimley, two memberships starting 2022-07-01 (the later-ending one wins)
    "H81097",  # Frimley, closed 2022-04-30: before July 2022, not kept
    "Y01253",  # Frimley, Slough, in no PCN → U2G6B by the practice division
}
SUCCESSION_SUB_ICBS = {
    # the sub-ICB locations of the twelve ICBs that closed on 31 March 2026
    *("06Q", "07G", "99E", "99F", "99G", "M1J4Y", "06L", "06T", "07K", "06K", "06N", "07H", "93C", "26A"),
    *("D4U1Y", "09D", "70F", "97R", "W2U3Z", "10Q", "14Y", "15A", "06H", "92A"),
    # NHS Hampshire and Isle of Wight, which acquires part of Frimley
    *("10R", "D9Y0V"),
}
SUB_ICBS = {"00Q", "00R", "00X", "01A", "01E", "01K", "02G", "02M", "11N", "15N", "02Y"}
CLOSED_PCN_OF_A_FORMER_CCG = "U08744"  # closed 2020, run from 10D, which LOC22 does not have


def cut_lines(source: Path, target: Path, keep) -> None:
    lines = source.read_bytes().splitlines(keepends=True)
    target.write_bytes(b"".join(line for i, line in enumerate(lines) if keep(i, line)))


def code_of(line: bytes) -> str:
    return line.split(b",", 1)[0].strip(b'"').decode()


def frimley_pcns() -> set[str]:
    """The PCNs the shipped Frimley division names."""
    with FRIMLEY_DIVISION.open(newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle) if row["unit"] == "pcn"}


def cut_epcn(source: Path, target: Path, practices: set[str] = PRACTICES, pcns: set[str] = frozenset()) -> None:
    """The PCNs of ``practices`` (and ``pcns``) with their memberships of ``practices``."""
    original = openpyxl.load_workbook(source, read_only=True)
    details = list(original["PCNDetails"].iter_rows(values_only=True))
    members = list(original["PCN Core Partner Details"].iter_rows(values_only=True))
    original.close()
    kept_members = [members[0]] + [row for row in members[1:] if row[0] in practices]
    pcns = {row[4] for row in kept_members[1:]} | pcns
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
        cut_epcn(SOURCE / f"{name}.xlsx", HERE / f"{name}_slice.xlsx", pcns={CLOSED_PCN_OF_A_FORMER_CCG})

    cut_lines(
        SOURCE / "LOC22_ICB22_NHSER22_EN_LU.csv",
        HERE / "LOC22_successions_slice.csv",
        lambda i, line: i == 0 or line.split(b",")[1].decode() in SUCCESSION_SUB_ICBS,
    )
    cut_lines(
        SOURCE / "epraccur_2026-02_newformat.csv",
        HERE / "epraccur_2026-02_successions_slice.csv",
        lambda i, line: code_of(line) in SUCCESSION_PRACTICES,
    )
    cut_epcn(
        SOURCE / "ePCN_2025-01.xlsx", HERE / "ePCN_2025-01_successions_slice.xlsx", SUCCESSION_PRACTICES, frimley_pcns()
    )


if __name__ == "__main__":
    main()
