"""Read icsmap's own tables and the official per-practice division, checking them as they are read (the read stage).

- **ICB successions** (``icb_successions_2026-04.csv``): predecessor → successor, date, type.
- **Division tables**: which successor each sub-ICB location of a closed ICB went to
  (``sub_icb_division_*.csv``); which new sub-ICB location each PCN and practice of a
  divided one went to (``frimley_division_*.csv``); and the official ODS per-practice
  table (practice code → new sub-ICB code, headers read liberally), csv or xlsx.

As ``files``: plain records, or ``OdsFileError`` at the first problem naming file and row;
the same limits on bytes, gzip and workbooks (``files.read_bytes``, ``files.open_workbook``).
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass
from pathlib import Path

from governance.ingest.ods.files import (
    BROKEN_WORKBOOK,
    ZIP_MAGIC,
    OdsFileError,
    believed_date,
    decode_text,
    header_name,
    not_a_workbook,
    open_workbook,
    parse_date,
    read_bytes,
    refuse_nul,
    text_cell,
    where,
)
from governance.models import code_problem

# --- the project's own tables: successions and divisions ------------------------------


def csv_table(path: Path, columns: tuple[str, ...]):
    """Yield (row number, {column: text}) for the data rows of a csv file whose header names ``columns``.

    Other columns are ignored; a row of another width than the header is refused.
    """
    path = Path(path)
    try:
        rows = list(csv.reader(io.StringIO(decode_text(path, read_bytes(path)), newline="")))
    except csv.Error as error:
        raise OdsFileError(f"{path.name}: not a readable csv file ({error})") from None
    if not rows:
        raise OdsFileError(f"{path.name}: the file is empty")
    header = [header_name(cell) for cell in rows[0]]
    for column in columns:
        if column not in header:
            raise OdsFileError(f"{where(path, row=1)}: no column {column!r} (expected {', '.join(columns)})")
    positions = {column: header.index(column) for column in columns}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        place = where(path, row=number)
        refuse_nul(row, place)
        if len(row) != len(header):
            raise OdsFileError(f"{place}: {len(row)} columns, the header has {len(header)}")
        yield number, {column: row[i].strip() for column, i in positions.items()}


def required_code(cells: dict, column: str, place: str) -> str:
    """The organisation code in ``column``, refused if empty or not a code."""
    value = cells[column]
    if not value:
        raise OdsFileError(f"{place}: {column} is empty")
    problem = code_problem(value)
    if problem:
        raise OdsFileError(f"{place}: {column}: {problem}")
    return value


def yes_or_no(cells: dict, column: str, place: str) -> bool:
    """A yes/no cell."""
    value = cells[column].lower()
    if value not in YES_NO:
        raise OdsFileError(f"{place}: {column} {cells[column]!r} is neither yes nor no")
    return YES_NO[value]


def parse_day(value: str, place: str, column: str) -> datetime.date:
    """A required date, YYYY-MM-DD or YYYYMMDD, within the domain's range."""
    if len(value) == 10:
        try:
            return believed_date(datetime.date.fromisoformat(value), place, column)
        except ValueError:
            pass
    day = parse_date(value, place, column) if len(value) != 10 else None
    if day is None:
        raise OdsFileError(f"{place}: {column} {value!r} is not a date (YYYY-MM-DD)")
    return day


SUCCESSION_COLUMNS = (
    "predecessor_ods",
    "predecessor_name",
    "successor_ods",
    "successor_name",
    "succession_date",
    "succession_type",
)
SUCCESSION_TYPES = ("merger", "split", "acquisition")


@dataclass(frozen=True, slots=True)
class SuccessionRecord:
    row: int
    predecessor: str
    predecessor_name: str
    successor: str
    successor_name: str
    date: datetime.date  # the successor's first day of responsibility
    type: str  # merger, split or acquisition


@dataclass
class Successions:
    path: Path
    successions: list[SuccessionRecord]

    @property
    def data_date(self) -> datetime.date:
        return max(record.date for record in self.successions)


def read_successions(path: Path) -> Successions:
    """Read the ICB successions: one row per predecessor → successor pair."""
    path = Path(path)
    records: list[SuccessionRecord] = []
    row_of: dict[tuple[str, str], int] = {}
    first_of: dict[str, SuccessionRecord] = {}
    for number, cells in csv_table(path, SUCCESSION_COLUMNS):
        place = where(path, row=number)
        predecessor = required_code(cells, "predecessor_ods", place)
        successor = required_code(cells, "successor_ods", place)
        if predecessor == successor:
            raise OdsFileError(f"{place}: {predecessor} cannot succeed itself")
        kind = cells["succession_type"].lower()
        if kind not in SUCCESSION_TYPES:
            raise OdsFileError(
                f"{place}: succession_type {cells['succession_type']!r} is not one of {', '.join(SUCCESSION_TYPES)}"
            )
        record = SuccessionRecord(
            row=number,
            predecessor=predecessor,
            predecessor_name=cells["predecessor_name"],
            successor=successor,
            successor_name=cells["successor_name"],
            date=parse_day(cells["succession_date"], place, "succession_date"),
            type=kind,
        )
        if (predecessor, successor) in row_of:
            raise OdsFileError(
                f"{place}: {predecessor} → {successor} is already on row {row_of[predecessor, successor]}"
            )
        row_of[predecessor, successor] = number
        first = first_of.setdefault(predecessor, record)
        if first.date != record.date:
            raise OdsFileError(
                f"{place}: {predecessor} is succeeded on {record.date} here, but on {first.date} on row {first.row}"
            )
        records.append(record)
    if not records:
        raise OdsFileError(f"{path.name}: no successions")
    check_succession_chains(path, records)
    return Successions(path=path, successions=records)


def check_succession_chains(path: Path, records: list[SuccessionRecord]) -> None:
    """Successions that can happen in time: none leads back to itself, and a successor opens before it is succeeded.

    A predecessor is open until the day before its succession and its successor opens that day
    (``timeline.reorganisation``), so an ICB succeeded on or before the day it opened would close
    before it opened, and a cycle (QH8 → D7T5G → QH8) would close every ICB on it for good. Each
    succession later than the one that opened its predecessor makes every cycle impossible.
    """
    successors: dict[str, list[SuccessionRecord]] = {}
    for record in records:
        successors.setdefault(record.predecessor, []).append(record)
    for record in records:
        for later in successors.get(record.successor, []):
            if later.date <= record.date:
                raise OdsFileError(
                    f"{where(path, row=later.row)}: {later.predecessor} is succeeded on {later.date}, but it only "
                    f"opens on {record.date} (row {record.row}): an ICB is succeeded after it opens, so no "
                    "succession leads back to an ICB before it"
                )


SUB_ICB_DIVISION_COLUMNS = (
    "sub_icb",
    "sub_icb_name",
    "predecessor_icb",
    "successor_icb",
    "successor_sub_icb",
    "successor_sub_icb_name",
    "new_sub_icb",
    "basis",
)
YES_NO = {"yes": True, "no": False}


@dataclass(frozen=True, slots=True)
class SubIcbShare:
    """A sub-ICB location of a closed ICB, or a share of one, and where it went."""

    row: int
    sub_icb: str
    sub_icb_name: str
    predecessor_icb: str
    successor_icb: str
    successor_sub_icb: str  # the same code when it went whole; where a share went when it was divided
    successor_sub_icb_name: str
    basis: str
    new_sub_icb: bool = False  # the successor sub-ICB location opened that day (else it existed already)


@dataclass
class SubIcbDivision:
    path: Path
    shares: list[SubIcbShare]


def read_sub_icb_division(path: Path) -> SubIcbDivision:
    """Read which successor ICB (and sub-ICB location) each sub-ICB location of a closed ICB went to."""
    path = Path(path)
    shares: list[SubIcbShare] = []
    first_of: dict[str, SubIcbShare] = {}
    icb_of: dict[str, SubIcbShare] = {}
    row_of: dict[tuple[str, str], int] = {}
    for number, cells in csv_table(path, SUB_ICB_DIVISION_COLUMNS):
        place = where(path, row=number)
        share = SubIcbShare(
            row=number,
            sub_icb=required_code(cells, "sub_icb", place),
            sub_icb_name=cells["sub_icb_name"],
            predecessor_icb=required_code(cells, "predecessor_icb", place),
            successor_icb=required_code(cells, "successor_icb", place),
            successor_sub_icb=required_code(cells, "successor_sub_icb", place),
            successor_sub_icb_name=cells["successor_sub_icb_name"],
            basis=cells["basis"],
            new_sub_icb=yes_or_no(cells, "new_sub_icb", place),
        )
        if not share.basis:
            raise OdsFileError(f"{place}: no basis: say why {share.sub_icb} goes to {share.successor_sub_icb}")
        key = (share.sub_icb, share.successor_sub_icb)
        if key in row_of:
            raise OdsFileError(f"{place}: {share.sub_icb} → {share.successor_sub_icb} is already on row {row_of[key]}")
        row_of[key] = number
        first = first_of.setdefault(share.sub_icb, share)
        if first.predecessor_icb != share.predecessor_icb:
            raise OdsFileError(
                f"{place}: {share.sub_icb} is in {share.predecessor_icb} here, but in {first.predecessor_icb} "
                f"on row {first.row}"
            )
        if share.new_sub_icb and share.successor_sub_icb == share.sub_icb:
            raise OdsFileError(f"{place}: {share.sub_icb} keeps its code, so it is not a new sub-ICB location")
        if share.sub_icb in (first.successor_sub_icb, share.successor_sub_icb) and first is not share:
            raise OdsFileError(
                f"{place}: {share.sub_icb} either goes whole (keeping its code) or is divided, not both "
                f"(see row {first.row})"
            )
        other = icb_of.setdefault(share.successor_sub_icb, share)
        if other.successor_icb != share.successor_icb:
            raise OdsFileError(
                f"{place}: {share.successor_sub_icb} is in {share.successor_icb} here, but in {other.successor_icb} "
                f"on row {other.row}"
            )
        shares.append(share)
    if not shares:
        raise OdsFileError(f"{path.name}: no rows")
    return SubIcbDivision(path=path, shares=shares)


UNIT_DIVISION_COLUMNS = ("unit", "code", "sub_icb", "successor_sub_icb", "basis")
UNITS = ("pcn", "practice")


@dataclass(frozen=True, slots=True)
class UnitShare:
    """A PCN or practice of a divided sub-ICB location, and the new sub-ICB location it went to."""

    row: int
    unit: str  # pcn or practice
    code: str
    sub_icb: str
    successor_sub_icb: str
    basis: str


@dataclass
class UnitDivision:
    path: Path
    pcns: dict[str, UnitShare]
    practices: dict[str, UnitShare]


def read_unit_division(path: Path) -> UnitDivision:
    """Read which new sub-ICB location each PCN (and each practice in none) of a divided one went to."""
    path = Path(path)
    found: dict[str, dict[str, UnitShare]] = {unit: {} for unit in UNITS}
    for number, cells in csv_table(path, UNIT_DIVISION_COLUMNS):
        place = where(path, row=number)
        if cells["unit"] not in UNITS:
            raise OdsFileError(f"{place}: unit {cells['unit']!r} is neither pcn nor practice")
        share = UnitShare(
            row=number,
            unit=cells["unit"],
            code=required_code(cells, "code", place),
            sub_icb=required_code(cells, "sub_icb", place),
            successor_sub_icb=required_code(cells, "successor_sub_icb", place),
            basis=cells["basis"],
        )
        if not share.basis:
            raise OdsFileError(f"{place}: no basis: say why {share.code} goes to {share.successor_sub_icb}")
        shares = found[share.unit]
        if share.code in shares:
            raise OdsFileError(f"{place}: {share.unit} {share.code} is already on row {shares[share.code].row}")
        shares[share.code] = share
    if not any(found.values()):
        raise OdsFileError(f"{path.name}: no rows")
    return UnitDivision(path=path, pcns=found["pcn"], practices=found["practice"])


# --- the official per-practice table -------------------------------------------------

# Headers as ODS or a commissioner may write them: "Practice Code", "Organisation Code",
# "GP Practice ODS Code"; "New Sub ICB Location Code", "SICBL code (from 1 April 2026)".
PRACTICE_HEADER = re.compile(r"^(practice|code|ods code)$|\b(practice|organisation|organization|org|gp)\b.*\bcode\b")
SUB_ICB_HEADER = re.compile(r"\bsub ?icb|\bsicbl|\bcommissioner")
NEW_HEADER = re.compile(r"\b(new|to|successor|receiving|future|20\d\d)\b")
HEADER_ROWS = 20  # a title block may stand above the header


@dataclass(frozen=True, slots=True)
class PracticeMove:
    row: int
    practice: str
    sub_icb: str  # the new sub-ICB location


@dataclass
class PracticeDivision:
    path: Path
    practices: dict[str, PracticeMove]


def header_words(value) -> str:
    """A header cell in lower-case words: "New Sub-ICB\nLocation Code" → "new sub icb location code"."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header_name(value).lower()).split())


def division_columns(header: list) -> tuple[int, int] | str:
    """(practice column, new sub-ICB column) of a header row, or why it is not one."""
    words = [header_words(cell) for cell in header]
    practice = [
        i for i, title in enumerate(words) if PRACTICE_HEADER.search(title) and not SUB_ICB_HEADER.search(title)
    ]
    sub_icbs = [i for i, title in enumerate(words) if SUB_ICB_HEADER.search(title) and "name" not in title.split()]
    if not practice or not sub_icbs:
        return "no practice code column and sub-ICB code column"
    if len(sub_icbs) > 1:
        newer = [i for i in sub_icbs if NEW_HEADER.search(words[i])]
        if len(newer) != 1:
            shown = ", ".join(repr(header_name(header[i])) for i in sub_icbs)
            return f"cannot tell which of {shown} is the new sub-ICB location"
        sub_icbs = newer
    exact = [i for i in practice if words[i] == "practice code"]
    return (exact or practice)[0], sub_icbs[0]


def read_practice_division(path: Path) -> PracticeDivision:
    """Read the official per-practice division (practice code → new sub-ICB code), csv or xlsx."""
    path = Path(path)
    data = read_bytes(path)
    sheet = None
    if data.startswith(ZIP_MAGIC):
        workbook = open_workbook(path, data)
        try:
            sheets = [(name, list(workbook.rows(name))) for name in workbook.sheetnames]
        except BROKEN_WORKBOOK as error:
            raise not_a_workbook(path, error) from None
        finally:
            workbook.close()
    else:
        try:
            sheets = [(None, list(csv.reader(io.StringIO(decode_text(path, data), newline=""))))]
        except csv.Error as error:
            raise OdsFileError(f"{path.name}: not a readable csv file ({error})") from None
    why = "the file is empty"
    for sheet, rows in sheets:
        for start, header in enumerate(rows[:HEADER_ROWS]):
            columns = division_columns(header)
            if isinstance(columns, tuple):
                return _practice_moves(path, sheet, rows, start, columns)
            if "cannot tell" in columns:
                raise OdsFileError(f"{where(path, sheet=sheet, row=start + 1)}: {columns}")
            why = columns
    raise OdsFileError(f"{path.name}: {why} (looked for a header in the first {HEADER_ROWS} rows)")


def _practice_moves(path: Path, sheet: str | None, rows: list, start: int, columns: tuple[int, int]):
    practices: dict[str, PracticeMove] = {}
    for number, row in enumerate(rows[start + 1 :], start=start + 2):
        cells = [text_cell(row[i]) if i < len(row) else "" for i in columns]
        if not any(cells):
            continue
        place = where(path, sheet=sheet, row=number)
        refuse_nul(row, place)
        named = dict(zip(("practice code", "new sub-ICB code"), cells, strict=True))
        move = PracticeMove(
            row=number,
            practice=required_code(named, "practice code", place),
            sub_icb=required_code(named, "new sub-ICB code", place),
        )
        other = practices.setdefault(move.practice, move)
        if other.sub_icb != move.sub_icb:
            raise OdsFileError(
                f"{place}: {move.practice} goes to {move.sub_icb} here, but to {other.sub_icb} on row {other.row}"
            )
    if not practices:
        raise OdsFileError(f"{where(path, sheet=sheet)}: no practices below the header")
    return PracticeDivision(path=path, practices=practices)
