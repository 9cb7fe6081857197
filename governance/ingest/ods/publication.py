"""NHS England Digital's "Patients Registered at a GP Practice" and ODS's renamings into plain records (read stage).

Three files: the practice → PCN → sub-ICB location → ICB map of one extract day (a snapshot
of the tree without membership dates), the registered patients of each PCN, sub-ICB
location, ICB and region on that day, and the sub-ICB locations' names before and after a
renaming (from ODS's change summary). Must not join them, nor touch the database.
"""

import csv
import datetime
import io
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from governance.ingest.ods.files import (
    MAX_BYTES,
    ZIP_MAGIC,
    OdsFileError,
    decode_text,
    header_name,
    read_bytes,
    where,
)
from governance.ingest.ods.tables import csv_table, parse_day, required_code

MAP_COLUMNS = (
    "EXTRACT_DATE",
    "PRACTICE_CODE",
    "PCN_CODE",
    "PCN_NAME",
    "ONS_SUB_ICB_LOCATION_CODE",
    "SUB_ICB_LOCATION_CODE",
    "SUB_ICB_LOCATION_NAME",
    "ICB_CODE",
    "COMM_REGION_CODE",
    "COMM_REGION_NAME",
)
PATIENT_COLUMNS = ("EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "NUMBER_OF_PATIENTS")
BREAKDOWN = ("SEX", "AGE")  # the totals are the rows with ALL in both
ALL = "ALL"
RENAME_COLUMNS = ("Sub ICB Location Code", "Current Sub ICB Location Name", "New Sub ICB Location Name", "Date")
UNALLOCATED = "U"  # the publication's PCN code of practices in no PCN ("Unallocated")
# The rows of the patients file not kept, and why (for the import's report, with the first few rows).
NOT_TOTALS = "a breakdown by sex or age (the totals are kept)"
NO_UNIT = "the practices in no PCN counted together (no unit of ours)"
UNUSED_LISTED = 5
# The publication's extract dates: "01Aug2026" in the map, "2026-08-01" in the counts.
EXTRACT_FORMATS = ("%d%b%Y", "%Y-%m-%d")


@dataclass(frozen=True, slots=True)
class MapRow:
    row: int
    practice: str
    pcn: str | None  # None: in no PCN that day (the publication's "U", Unallocated)
    pcn_name: str
    sub_icb: str
    sub_icb_name: str
    icb: str


@dataclass
class PracticeMap:
    """The tree on one day: each practice's PCN and sub-ICB location, without dates of membership."""

    path: Path
    day: datetime.date
    practices: dict[str, MapRow]
    sub_icb_names: dict[str, str] = field(default_factory=dict)
    region_names: dict[str, str] = field(default_factory=dict)  # Y62 → North West


@dataclass(frozen=True, slots=True)
class PatientCount:
    code: str
    unit_type: str
    ons_code: str
    count: int


@dataclass
class Patients:
    path: Path
    day: datetime.date
    counts: dict[str, PatientCount]
    # why → (how many rows, the first few as (row, ORG_CODE)): the rows not kept
    unused: dict[str, tuple[int, list[tuple[int, str]]]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rename:
    row: int
    code: str
    old: str
    new: str
    day: datetime.date  # the first day of the new name


@dataclass
class Renames:
    path: Path
    renames: dict[str, Rename]


def extract_day(value: str, place: str, seen: dict | None = None) -> datetime.date:
    """The publication's EXTRACT_DATE, in either of its spellings (``seen``: those already parsed, by spelling;
    strptime is slow and a file has one date)."""
    if seen is not None and value in seen:
        return seen[value]
    day = _extract_day(value, place)
    if seen is not None:
        seen[value] = day
    return day


def _extract_day(value: str, place: str) -> datetime.date:
    for pattern in EXTRACT_FORMATS:
        try:
            return datetime.datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    raise OdsFileError(f"{place}: EXTRACT_DATE {value!r} is not a date")


def table_text(path: Path) -> str:
    """The csv's text: the file itself, or the one csv member of a zip (as the publisher ships it)."""
    data = read_bytes(path)
    if not data.startswith(ZIP_MAGIC):
        return decode_text(path, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [info for info in archive.infolist() if info.filename.lower().endswith(".csv")]
            if len(members) != 1:
                raise OdsFileError(f"{path.name}: expected one csv file in the zip, found {len(members)}")
            if members[0].file_size > MAX_BYTES:
                raise OdsFileError(f"{path.name}: its csv expands to more than {MAX_BYTES // (1024 * 1024)} MB")
            with archive.open(members[0]) as member:
                content = member.read(MAX_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError) as error:
        raise OdsFileError(f"{path.name}: not a readable zip file ({error})") from None
    if len(content) > MAX_BYTES:
        raise OdsFileError(f"{path.name}: its csv expands to more than {MAX_BYTES // (1024 * 1024)} MB")
    return decode_text(path, content)


def rows_of(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()):
    """Yield (row number, place, {column: text}) of the publication's csv (header names ``columns``, any order;
    ``optional`` ones are given when the header has them)."""
    text = table_text(path)
    if "\x00" in text:  # once for the file, not cell by cell
        number = text[: text.index("\x00")].count("\n") + 1
        raise OdsFileError(f"{where(path, row=number)}: a NUL character")
    try:
        rows = csv.reader(io.StringIO(text, newline=""))
        header = [header_name(cell).upper() for cell in next(rows, [])]
    except csv.Error as error:
        raise OdsFileError(f"{path.name}: not a readable csv file ({error})") from None
    if not header:
        raise OdsFileError(f"{path.name}: the file is empty")
    missing = [column for column in columns if column not in header]
    if missing:
        raise OdsFileError(f"{where(path, row=1)}: no column {missing[0]!r} (expected {', '.join(columns)})")
    positions = {column: header.index(column) for column in (*columns, *optional) if column in header}
    try:
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            place = where(path, row=number)
            if len(row) != len(header):
                raise OdsFileError(f"{place}: {len(row)} columns, the header has {len(header)}")
            yield number, place, {column: row[i].strip() for column, i in positions.items()}
    except csv.Error as error:
        raise OdsFileError(f"{path.name}: not a readable csv file ({error})") from None


def one_day(days: set[datetime.date], path: Path) -> datetime.date:
    if len(days) != 1:
        found = ", ".join(str(day) for day in sorted(days)) or "none"
        raise OdsFileError(f"{path.name}: expected one EXTRACT_DATE, found {found}")
    return next(iter(days))


def read_practice_map(path: Path) -> PracticeMap:
    """Read the practice → PCN → sub-ICB location map (csv, or the publisher's zip of it)."""
    path = Path(path)
    practices: dict[str, MapRow] = {}
    days, names, regions, parsed = set(), {}, {}, {}
    for number, place, cells in rows_of(path, MAP_COLUMNS):
        days.add(extract_day(cells["EXTRACT_DATE"], place, parsed))
        row = MapRow(
            row=number,
            practice=required_code(cells, "PRACTICE_CODE", place),
            pcn=None if cells["PCN_CODE"] == UNALLOCATED else required_code(cells, "PCN_CODE", place),
            pcn_name=cells["PCN_NAME"],
            sub_icb=required_code(cells, "SUB_ICB_LOCATION_CODE", place),
            sub_icb_name=cells["SUB_ICB_LOCATION_NAME"],
            icb=required_code(cells, "ICB_CODE", place),
        )
        if row.practice in practices:
            raise OdsFileError(f"{place}: practice {row.practice} is also on row {practices[row.practice].row}")
        practices[row.practice] = row
        names.setdefault(row.sub_icb, row.sub_icb_name)
        regions.setdefault(cells["COMM_REGION_CODE"], cells["COMM_REGION_NAME"])
    if not practices:
        raise OdsFileError(f"{path.name}: no practices below the header")
    return PracticeMap(
        path=path, day=one_day(days, path), practices=practices, sub_icb_names=names, region_names=regions
    )


def read_patients(path: Path) -> Patients:
    """Read the registered patients: the totals of all ages and sexes (a file of only those is enough)."""
    path = Path(path)
    counts: dict[str, PatientCount] = {}
    days, parsed = set(), {}
    unused, listed = Counter(), defaultdict(list)
    for number, place, cells in rows_of(path, PATIENT_COLUMNS, optional=BREAKDOWN):
        if any(cells.get(column, ALL) != ALL for column in BREAKDOWN):
            unused[NOT_TOTALS] += 1
            if len(listed[NOT_TOTALS]) < UNUSED_LISTED:
                listed[NOT_TOTALS].append((number, cells["ORG_CODE"]))
            continue
        days.add(extract_day(cells["EXTRACT_DATE"], place, parsed))
        code = required_code(cells, "ORG_CODE", place)
        try:
            count = int(cells["NUMBER_OF_PATIENTS"])
        except ValueError:
            raise OdsFileError(f"{place}: NUMBER_OF_PATIENTS {cells['NUMBER_OF_PATIENTS']!r} is not a number") from None
        if count < 0:
            raise OdsFileError(f"{place}: NUMBER_OF_PATIENTS is negative")
        if code == UNALLOCATED:  # the practices in no PCN, counted together: no unit of ours
            unused[NO_UNIT] += 1
            listed[NO_UNIT].append((number, code))
            continue
        if code in counts:
            raise OdsFileError(f"{place}: {code} is counted twice")
        counts[code] = PatientCount(code, cells["ORG_TYPE"], cells["ONS_CODE"], count)
    if not counts:
        raise OdsFileError(f"{path.name}: no counts below the header")
    return Patients(
        path=path,
        day=one_day(days, path),
        counts=counts,
        unused={reason: (count, listed[reason]) for reason, count in unused.items()},
    )


def read_renames(path: Path) -> Renames:
    """Read the sub-ICB locations' renamings: code, name before, name after, the first day of the new name."""
    path = Path(path)
    renames: dict[str, Rename] = {}
    for number, cells in csv_table(path, RENAME_COLUMNS):
        place = where(path, row=number)
        rename = Rename(
            row=number,
            code=required_code(cells, "Sub ICB Location Code", place),
            old=cells["Current Sub ICB Location Name"],
            new=cells["New Sub ICB Location Name"],
            day=parse_day(cells["Date"], place, "Date"),
        )
        if not rename.old or not rename.new:
            raise OdsFileError(f"{place}: a name is empty")
        if rename.code in renames:
            raise OdsFileError(f"{place}: {rename.code} is renamed twice")
        renames[rename.code] = rename
    return Renames(path=path, renames=renames)
