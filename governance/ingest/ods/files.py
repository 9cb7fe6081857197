"""Read the NHS ODS files the import needs, checking them as they are read (the read stage).

- **epraccur**: GP practices and other prescribing cost centres; 27 columns, no header.
  Two layouts, told apart by the status column: the classic one (2023–2025: status
  A/C/D/P, numeric prescribing setting, 4 = GP practice) and the 2026 "Data Search &
  Export" one (status ACTIVE/INACTIVE/DORMANT, ODS role codes, RO76 = GP practice).
  Every row is returned, closed ones too, with its open, close and join dates (column
  16: the day it joined its current parent, the sub-ICB location of column 24).
- **ePCN** workbook: sheet ``PCNDetails`` (the PCNs) and sheet ``PCN Core Partner
  Details`` (practice → PCN memberships with start and end dates, ended ones included).
- **ONS lookup**: sub-ICB location → ICB → NHS England region, csv or xlsx, of any
  year and in either spelling (``LOC22CDH``/``LOC22NM`` or ``SICBL24CDH``/``SICBL24NM``,
  ``ICB26CDH``, ``NHSER24NM``…); the year is recorded.

icsmap's own tables (successions, divisions) and the official per-practice division are
read by ``tables``, with the helpers here.

Each reader returns plain records, or raises ``OdsFileError`` at the first problem
with the file, sheet and row in the message. Any file may be gzip-compressed: it is
recognised by its content, not its name.

Hostile files are refused the same way, before anything is written: a file or a gzip
that expands to more than ``MAX_BYTES`` (200 MB; the largest real file, epraccur, is
about 4 MB), a workbook whose parts add up to more or that passes the bounds of
``workbook`` (cells, rows, columns, shared strings), a workbook that is not one (a zip of
anything else, broken XML), and a NUL character in any field (naming file and row).
"""

import csv
import datetime
import gzip
import io
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from python_calamine import CalamineError

from governance.domain.dates import range_problem
from governance.ingest.ods import OdsImportError
from governance.ingest.ods.workbook import Workbook, WorkbookRefused
from governance.models.codes import name_problem

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"  # an xlsx workbook is a zip archive
MAX_BYTES = 200 * 1024 * 1024  # a file as read, after gunzipping; and a workbook's parts, unzipped
CHUNK = 1024 * 1024

# What the zip reader and calamine (``workbook``) raise on a workbook that is not one, when it
# is opened or while its rows are read (CalamineError: its XML, zip and value errors).
BROKEN_WORKBOOK = (
    CalamineError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    SyntaxError,
    EOFError,
    OSError,
)


class OdsFileError(OdsImportError):
    """A file that cannot be used: missing, unreadable, or not in the expected layout."""


def where(path: Path, *, sheet: str | None = None, row: int | None = None) -> str:
    """``name, sheet S, row N`` — the place in a file that an error message points at."""
    # Called for every row read: a Path is not built again (that cost seconds per import).
    parts = [path.name if isinstance(path, PurePath) else Path(path).name]
    if sheet is not None:
        parts.append(f"sheet {sheet}")
    if row is not None:
        parts.append(f"row {row}")
    return ", ".join(parts)


def _read_at_most(stream, what: str, path: Path) -> bytes:
    """Read ``stream`` to its end, refusing it as soon as it passes ``MAX_BYTES``."""
    chunks, size = [], 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > MAX_BYTES:
            raise OdsFileError(f"{path.name}: {what} more than {MAX_BYTES // (1024 * 1024)} MB; not an ODS file")
        chunks.append(chunk)
    return b"".join(chunks)


def read_bytes(path: Path) -> bytes:
    """The file's content, gunzipped if it is gzip data; at most ``MAX_BYTES`` either way."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = _read_at_most(handle, "the file is", path)
    except FileNotFoundError:
        raise OdsFileError(f"{path.name}: file not found ({path})") from None
    except OSError as error:
        raise OdsFileError(f"{path.name}: cannot read the file ({error.strerror or error})") from None
    if data.startswith(GZIP_MAGIC):
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                data = _read_at_most(unzipped, "the gzip data expands to", path)
        except (OSError, EOFError, zlib.error) as error:
            raise OdsFileError(f"{path.name}: broken gzip data ({error})") from None
    return data


def refuse_nul(cells: Iterable, place: str, columns: Iterable[str] | None = None) -> None:
    """Refuse a row with a NUL character in any text cell (no database stores one)."""
    for number, cell in enumerate(cells, start=1):
        if isinstance(cell, str) and "\x00" in cell:
            name = list(columns)[number - 1] if columns is not None else f"column {number}"
            raise OdsFileError(f"{place}: a NUL character in {name}")


def decode_text(path: Path, data: bytes) -> str:
    """The file's bytes as text: UTF-8 (with or without BOM), else Windows-1252."""
    # The files seen so far are UTF-8 or ASCII; one re-saved by Excel on Windows is Windows-1252.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise OdsFileError(f"{Path(path).name}: not a text file (neither UTF-8 nor Windows-1252)")


def parse_date(value, place: str, column: str) -> datetime.date | None:
    """A YYYYMMDD cell (string, number or spreadsheet date) as a date within the domain's range; empty → None."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return believed_date(value.date(), place, column)
    if isinstance(value, datetime.date):
        return believed_date(value, place, column)
    text = str(value).strip()
    if not text:
        return None
    if len(text) == 8 and text.isdigit():
        try:
            day = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
        else:
            return believed_date(day, place, column)
    raise OdsFileError(f"{place}: {column} {text!r} is not a date (YYYYMMDD)")


def believed_date(day: datetime.date, place: str, column: str) -> datetime.date:
    """``day`` when the domain believes it (``governance.domain.dates``); else refused with its place."""
    if problem := range_problem(day):
        raise OdsFileError(f"{place}: {column}: {problem}")
    return day


def name_cell(value, place: str, column: str) -> str:
    """A name cell as text, refused with its place when it breaks the name rule (``models.NAME_RULE``)."""
    text = text_cell(value)
    if problem := name_problem(text):
        raise OdsFileError(f"{place}: {column}: {problem}")
    return text


def text_cell(value) -> str:
    """A cell as stripped text; empty for None."""
    return "" if value is None else str(value).strip()


# --- epraccur ---------------------------------------------------------------------

EPRACCUR_WIDTH = 27
# 0-based column positions (the spec numbers them from 1).
CODE, NAME, NATIONAL_GROUPING = 0, 1, 2
POSTCODE, OPEN_DATE, CLOSE_DATE, STATUS = 9, 10, 11, 12
JOIN_DATE = 15  # Join Provider/Purchaser Date: the day it joined its current parent (column 24)
PROVIDER_PURCHASER, PRESCRIBING_SETTING = 23, 25

ACTIVE, CLOSED, DORMANT, PROPOSED = "active", "closed", "dormant", "proposed"


@dataclass(frozen=True)
class EpraccurLayout:
    name: str
    statuses: dict[str, str]  # the file's status code → ACTIVE / CLOSED / DORMANT / PROPOSED
    gp_practice: str  # the prescribing setting (or ODS role) of a GP practice


CLASSIC = EpraccurLayout(
    "27-column 2023/2025", {"A": ACTIVE, "C": CLOSED, "D": DORMANT, "P": PROPOSED}, gp_practice="4"
)
DATA_SEARCH_EXPORT = EpraccurLayout(
    "2026 Data Search & Export",
    {"ACTIVE": ACTIVE, "INACTIVE": CLOSED, "DORMANT": DORMANT, "PROPOSED": PROPOSED},
    gp_practice="RO76",
)
LAYOUTS = (CLASSIC, DATA_SEARCH_EXPORT)


@dataclass(frozen=True, slots=True)
class PracticeRecord:
    """One epraccur row (any prescribing setting), with the fields the import uses."""

    row: int
    code: str
    name: str
    status: str  # ACTIVE, CLOSED, DORMANT or PROPOSED
    gp_practice: bool
    in_wales: bool
    sub_icb: str  # column 24, Provider/Purchaser: the sub-ICB location it is allocated to
    postcode: str
    opened: datetime.date | None
    closed: datetime.date | None
    joined: datetime.date | None = None  # column 16: the day it joined ``sub_icb``


@dataclass
class Epraccur:
    path: Path
    layout: EpraccurLayout
    practices: list[PracticeRecord]
    data_date: datetime.date | None  # the latest open (of active rows) or close date the file records


def detect_layout(path: Path, status: str) -> EpraccurLayout:
    """Tell the layouts apart by the first row's status code."""
    for layout in LAYOUTS:
        if status in layout.statuses:
            return layout
    raise OdsFileError(
        f"{where(path, row=1)}: status {status!r} (column 13) is neither A/C/D/P nor ACTIVE/INACTIVE/DORMANT; "
        "is this an epraccur file?"
    )


def in_wales(row: list[str]) -> bool:
    """Whether an epraccur row is a Welsh organisation."""
    # The classic layout puts W00 in column 3; the 2026 layout leaves it blank for Wales
    # and has at least one Welsh practice with an English region there. Column 24 is
    # reliable: Welsh local health boards are 7A1–7A7.
    return row[NATIONAL_GROUPING] == "W00" or row[PROVIDER_PURCHASER].startswith("7A")


def read_epraccur(path: Path) -> Epraccur:
    """Read an epraccur file (either layout, optionally gzipped) into PracticeRecords."""
    path = Path(path)
    text = decode_text(path, read_bytes(path))
    layout = None
    practices: list[PracticeRecord] = []
    first_row_of: dict[str, int] = {}
    latest = None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise OdsFileError(f"{path.name}: not a readable csv file ({error})") from None
    for number, row in enumerate(rows, start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        place = where(path, row=number)
        if len(row) != EPRACCUR_WIDTH:
            raise OdsFileError(f"{place}: {len(row)} columns, expected {EPRACCUR_WIDTH} (epraccur layout)")
        refuse_nul(row, place)
        row = [cell.strip() for cell in row]
        if layout is None:
            layout = detect_layout(path, row[STATUS])
        status = layout.statuses.get(row[STATUS])
        if status is None:
            expected = "/".join(layout.statuses)
            raise OdsFileError(f"{place}: status {row[STATUS]!r} (column 13) is not one of {expected}")
        code = row[CODE]
        if not code:
            raise OdsFileError(f"{place}: no organisation code (column 1)")
        if code in first_row_of:
            raise OdsFileError(f"{place}: code {code} is already on row {first_row_of[code]}")
        first_row_of[code] = number
        opened = parse_date(row[OPEN_DATE], place, "open date (column 11)")
        closed = parse_date(row[CLOSE_DATE], place, "close date (column 12)")
        joined = parse_date(row[JOIN_DATE], place, "join date (column 16)")
        # Proposed rows open in the future, so they do not date the file.
        for date in (opened if status == ACTIVE else None, closed):
            if date is not None and (latest is None or date > latest):
                latest = date
        practices.append(
            PracticeRecord(
                row=number,
                code=code,
                name=name_cell(row[NAME], place, "name (column 2)"),
                status=status,
                gp_practice=layout.gp_practice in row[PRESCRIBING_SETTING].split("|"),
                in_wales=in_wales(row),
                sub_icb=row[PROVIDER_PURCHASER],
                postcode=row[POSTCODE],
                opened=opened,
                closed=closed,
                joined=joined,
            )
        )
    if layout is None:
        raise OdsFileError(f"{path.name}: the file has no rows")
    return Epraccur(path=path, layout=layout, practices=practices, data_date=latest)


# --- ePCN workbook ----------------------------------------------------------------

PCN_SHEET = "PCNDetails"
MEMBER_SHEET = "PCN Core Partner Details"
# Headers as published, after collapsing the embedded newlines and trailing spaces.
PCN_COLUMNS = {
    "code": "PCN Code",
    "name": "PCN Name",
    "sub_icb": "Current Sub ICB Loc Code",
    "opened": "Open Date",
    "closed": "Close Date",
}
MEMBER_COLUMNS = {
    "practice": "Partner Organisation Code",
    "pcn": "PCN Code",
    "start": "Practice to PCN Relationship Start Date",
    "end": "Practice to PCN Relationship End Date",
}


@dataclass(frozen=True, slots=True)
class PcnRecord:
    row: int
    code: str
    name: str
    sub_icb: str  # the lead sub-ICB location: the one with most of its practices
    opened: datetime.date | None
    closed: datetime.date | None


@dataclass(frozen=True, slots=True)
class MembershipRecord:
    row: int
    practice: str
    pcn: str
    start: datetime.date | None
    end: datetime.date | None  # None while current


@dataclass
class Epcn:
    path: Path
    pcns: dict[str, PcnRecord]
    memberships: list[MembershipRecord]
    data_date: datetime.date | None  # the latest date either sheet records


def header_name(value) -> str:
    """A header cell with its embedded newlines and stray spaces collapsed to single spaces."""
    return " ".join(str(value).split()) if value is not None else ""


def not_a_workbook(path: Path, error: Exception) -> OdsFileError:
    return OdsFileError(f"{path.name}: not a readable Excel workbook ({type(error).__name__}: {error})")


def open_workbook(path: Path, data: bytes) -> Workbook:
    """The workbook in ``data``, to read; OdsFileError if it is not one, or unzips too large."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            # Each part is read no further than its stated size (zipfile checks), so the sum bounds the work.
            unzipped = sum(part.file_size for part in archive.infolist())
        if unzipped > MAX_BYTES:
            raise OdsFileError(
                f"{path.name}: the workbook unzips to more than {MAX_BYTES // (1024 * 1024)} MB; not an ODS file"
            )
        return Workbook(data)
    except WorkbookRefused as error:
        raise OdsFileError(f"{path.name}: the workbook is refused: {error}; not an ODS file") from None
    except BROKEN_WORKBOOK as error:
        raise not_a_workbook(path, error) from None


def sheet_rows(path: Path, workbook, sheet: str, columns: dict[str, str]):
    """Yield (row number, {field: cell}) for the data rows of ``sheet``, header checked."""
    if sheet not in workbook.sheetnames:
        found = ", ".join(repr(name) for name in workbook.sheetnames)
        raise OdsFileError(f"{where(path, sheet=sheet)}: no such sheet (the workbook has {found})")
    rows = workbook.rows(sheet)
    header = [header_name(cell) for cell in next(rows, [])]
    positions = {}
    for field_name, title in columns.items():
        if title not in header:
            raise OdsFileError(f"{where(path, sheet=sheet, row=1)}: no column {title!r}")
        positions[field_name] = header.index(title)
    for number, row in enumerate(rows, start=2):
        if not any(cell not in (None, "") for cell in row):
            continue
        cells = {name: (row[i] if i < len(row) else None) for name, i in positions.items()}
        refuse_nul(cells.values(), where(path, sheet=sheet, row=number), [columns[name] for name in cells])
        yield number, cells


def read_epcn(path: Path) -> Epcn:
    """Read the ePCN workbook: its PCNs, and every practice → PCN membership it records."""
    path = Path(path)
    workbook = open_workbook(path, read_bytes(path))
    try:
        return _read_epcn_sheets(path, workbook)
    except BROKEN_WORKBOOK as error:  # parts read lazily, as the rows are
        raise not_a_workbook(path, error) from None
    finally:
        workbook.close()


def _read_epcn_sheets(path: Path, workbook) -> Epcn:
    """The PCNs and memberships of an open ePCN workbook."""
    dates = []
    pcns: dict[str, PcnRecord] = {}
    for number, cells in sheet_rows(path, workbook, PCN_SHEET, PCN_COLUMNS):
        place = where(path, sheet=PCN_SHEET, row=number)
        code = text_cell(cells["code"])
        if not code:
            raise OdsFileError(f"{place}: no PCN Code")
        if code in pcns:
            raise OdsFileError(f"{place}: PCN {code} is already on row {pcns[code].row}")
        pcn = PcnRecord(
            row=number,
            code=code,
            name=name_cell(cells["name"], place, "PCN Name"),
            sub_icb=text_cell(cells["sub_icb"]),
            opened=parse_date(cells["opened"], place, "Open Date"),
            closed=parse_date(cells["closed"], place, "Close Date"),
        )
        if not pcn.sub_icb and pcn.closed is None:
            raise OdsFileError(f"{place}: open PCN {code} has no Current Sub ICB Loc Code")
        pcns[code] = pcn
        dates += (pcn.opened, pcn.closed)
    memberships = []
    for number, cells in sheet_rows(path, workbook, MEMBER_SHEET, MEMBER_COLUMNS):
        place = where(path, sheet=MEMBER_SHEET, row=number)
        practice, pcn_code = text_cell(cells["practice"]), text_cell(cells["pcn"])
        if not practice:
            raise OdsFileError(f"{place}: no Partner Organisation Code")
        if pcn_code not in pcns:
            raise OdsFileError(f"{place}: PCN {pcn_code or '(empty)'} is not in sheet {PCN_SHEET}")
        membership = MembershipRecord(
            row=number,
            practice=practice,
            pcn=pcn_code,
            start=parse_date(cells["start"], place, "Start Date"),
            end=parse_date(cells["end"], place, "End Date"),
        )
        memberships.append(membership)
        dates += (membership.start, membership.end)
    return Epcn(path=path, pcns=pcns, memberships=memberships, data_date=max(filter(None, dates), default=None))


# --- ONS lookup -------------------------------------------------------------------

# The year in the names changes with each ONS release (LOC22CDH, ICB22NM), and from 2023
# sub-ICB locations are SICBL (SICBL24CDH). ...CDH is the ODS code (00T, QOP), ...CD the
# ONS one (E38000016): the ODS column is taken when there is one.
LOOKUP_COLUMNS = {
    "code": re.compile(r"^(?:LOC|SICBL)(\d\d)CDH?$"),
    "name": re.compile(r"^(?:LOC|SICBL)(\d\d)NM$"),
    "icb_code": re.compile(r"^ICB(\d\d)CDH?$"),
    "icb_name": re.compile(r"^ICB(\d\d)NM$"),
    "region": re.compile(r"^NHSER(\d\d)NM$"),
}
ONS_CODE = re.compile(r"^[EWSN]\d{8}$")  # E38000016: not the ODS code the import keys on
# The 42 ICBs were established on 1 July 2022, the day the first lookup (LOC22) is "as at".
# Later ONS lookups are as at 1 April of their year.
ICBS_ESTABLISHED = datetime.date(2022, 7, 1)


@dataclass(frozen=True, slots=True)
class SubIcbLocation:
    row: int
    code: str  # ODS code, e.g. 00T
    name: str
    icb_code: str  # ODS code, e.g. QOP
    icb_name: str
    region: str  # NHS England region name, e.g. North West


@dataclass
class Lookup:
    path: Path
    locations: dict[str, SubIcbLocation]
    year: int = ICBS_ESTABLISHED.year  # of its column names: 2022 for LOC22CDH, 2026 for ICB26CDH

    @property
    def as_at(self) -> datetime.date:
        """The day the lookup describes: 1 July 2022 for the 2022 one, else 1 April of its year."""
        return ICBS_ESTABLISHED if self.year == ICBS_ESTABLISHED.year else datetime.date(self.year, 4, 1)


def lookup_rows(path: Path, data: bytes) -> tuple[str | None, list[list]]:
    """(sheet name or None, rows) of a csv file or of the workbook sheet holding the lookup."""
    if not data.startswith(ZIP_MAGIC):
        return None, list(csv.reader(io.StringIO(decode_text(path, data), newline="")))
    workbook = open_workbook(path, data)
    try:
        for sheet in workbook.sheetnames:
            rows = list(workbook.rows(sheet))
            if rows and any(LOOKUP_COLUMNS["code"].match(header_name(cell)) for cell in rows[0]):
                return sheet, rows
    except BROKEN_WORKBOOK as error:  # parts read lazily, as the rows are
        raise not_a_workbook(path, error) from None
    finally:
        workbook.close()
    raise OdsFileError(f"{path.name}: no sheet has a LOCnnCDH or SICBLnnCDH column (the sub-ICB ODS code)")


def lookup_positions(path: Path, sheet: str | None, header: list[str]) -> tuple[dict[str, int], int]:
    """({field: column index}, the lookup's year) from its header; ODS-code (…CDH) columns first."""
    positions, year = {}, None
    for field_name, pattern in LOOKUP_COLUMNS.items():
        matches = sorted((not title.endswith("CDH"), i) for i, title in enumerate(header) if pattern.match(title))
        if not matches:
            shown = pattern.pattern.strip("^$").replace("(?:LOC|SICBL)", "LOC|SICBL").replace("(\\d\\d)", "\\d\\d")
            raise OdsFileError(f"{where(path, sheet=sheet, row=1)}: no column like {shown}")
        positions[field_name] = matches[0][1]
        if field_name == "icb_code":
            year = 2000 + int(pattern.match(header[matches[0][1]]).group(1))
    return positions, year


def read_lookup(path: Path) -> Lookup:
    """Read the sub-ICB location → ICB → region lookup (csv or xlsx, any year), keyed by sub-ICB ODS code."""
    path = Path(path)
    sheet, rows = lookup_rows(path, read_bytes(path))
    if not rows:
        raise OdsFileError(f"{path.name}: the file is empty")
    header = [header_name(cell) for cell in rows[0]]
    positions, year = lookup_positions(path, sheet, header)
    locations: dict[str, SubIcbLocation] = {}
    icbs: dict[str, SubIcbLocation] = {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(text_cell(cell) for cell in row):
            continue
        place = where(path, sheet=sheet, row=number)
        refuse_nul(row, place)
        cells = {name: text_cell(row[i]) if i < len(row) else "" for name, i in positions.items()}
        for field_name in ("name", "icb_name", "region"):
            name_cell(cells[field_name], place, header[positions[field_name]])
        location = SubIcbLocation(row=number, **cells)
        if not location.code or not location.icb_code:
            raise OdsFileError(f"{place}: a sub-ICB or ICB code is empty")
        for field_name in ("code", "icb_code"):
            if ONS_CODE.match(cells[field_name]):
                title = header[positions[field_name]]
                raise OdsFileError(
                    f"{place}: {title} holds an ONS code ({cells[field_name]}), not an ODS code; "
                    f"the lookup needs its {title}H column"
                )
        if location.code in locations:
            raise OdsFileError(f"{place}: sub-ICB {location.code} is already on row {locations[location.code].row}")
        first = icbs.setdefault(location.icb_code, location)
        if (first.icb_name, first.region) != (location.icb_name, location.region):
            raise OdsFileError(
                f"{place}: ICB {location.icb_code} is {location.icb_name!r} in {location.region!r} here, "
                f"but {first.icb_name!r} in {first.region!r} on row {first.row}"
            )
        locations[location.code] = location
    if not locations:
        raise OdsFileError(f"{path.name}: no sub-ICB locations")
    return Lookup(path=path, locations=locations, year=year)
