"""The values of an xlsx workbook's sheets, read by python-calamine once the workbook is known to be bounded.

calamine (Rust) reads the ePCN workbook five times faster than the standard library's
XML reader did, and with the same values once they are put as the import expects them
(``cell_value``): text, numbers (an int when whole), booleans, datetimes for numbers in a
date format, a formula's last value; an empty cell and an empty text are both None.

calamine cannot bound itself: it builds a sheet as one dense block from A1 to its last
cell (one cell at XFD1048576 asks for 17 billion cells and aborts the process) and
keeps every shared string. So ``bounded`` reads the zip's parts first, as a stream, and
refuses (``WorkbookRefused``, with what and how many) a member encrypted or compressed
other than as Excel does, a sheet wider than ``MAX_COLUMNS``, longer than ``MAX_ROWS`` or
larger than ``MAX_CELLS`` from A1 to its last cell, more than ``MAX_STRINGS`` shared
strings, and a shared-string cell whose index is not a number from 0 (a negative one would
silently read another string; one past the end calamine refuses). It stops at the first limit passed, so a hostile
workbook costs at most its unzipped bytes once, which ``files.open_workbook`` bounds
before. calamine's XML reader fetches no external entity and expands none.

Broken input raises ``CalamineError`` or what zipfile raises; ``files.BROKEN_WORKBOOK``
lists them and ``files`` turns them, and ``WorkbookRefused``, into an ``OdsFileError``.
"""

import datetime
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from python_calamine import CalamineWorkbook

MAX_ROWS = 1_048_576  # Excel's own limits: a workbook Excel cannot open is no ODS file
MAX_COLUMNS = 16_384  # XFD
MAX_CELLS = 2_000_000  # A1 to the last cell (the ePCN's largest sheet: 7,706 rows × 5 columns)
MAX_STRINGS = 1_000_000  # shared strings (the ePCN's: about 20,000)
CHUNK = 1024 * 1024
EXCEL_COMPRESSIONS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)

# What the scan looks for in every part. Literal searches where they serve (a regex per
# cell cost more than calamine's whole read); prefixed tags (<x:row>) only where there are any.
REFERENCE = b' r="'  # a row's number or a cell's reference
REFERENCE_ROW = re.compile(rb' r="[A-Z]*(\d+)"')
REFERENCE_COLUMN = re.compile(rb' r="([A-Z]+)')
PREFIXED_ROW, PREFIXED_CELL, PREFIXED_ITEM = (re.compile(rb"<\w+:" + tag + rb"[\s/>]") for tag in (b"row", b"c", b"si"))
# A shared-string cell whose value is not an index from 0 (a negative one reads another string).
BAD_SHARED_INDEX = re.compile(rb't="s"[^>]*>\s*<(?:\w+:)?v>(?!\s*\d+\s*<)')
VALUE_TAG = re.compile(rb"</?(?:\w+:)?v\b")
ROW_OR_CELL = re.compile(rb"<(?:\w+:)?(row|c)[\s/>]")


def tags(text: bytes, name: bytes, prefixed: re.Pattern) -> int:
    """How many elements ``name`` open in ``text``, with or without a namespace prefix."""
    ends = (b" ", b">", b"/", b"\r", b"\n", b"\t")
    found = sum(text.count(b"<" + name + end) for end in ends)
    if any(b":" + name + end in text for end in ends):
        found += len(prefixed.findall(text))
    return found


class WorkbookRefused(ValueError):
    """A workbook past one of the bounds; the message says which, and by how much."""


class BrokenPart(ValueError):  # read as "not a readable workbook", as the XML reader's errors
    """A part that is no XML a workbook holds: it ends inside a tag, or a cell's reference is no A1."""


def column_number(letters: bytes) -> int:
    """b"A" → 1, b"Z" → 26, b"AA" → 27."""
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


@dataclass
class Extent:
    """What the scan has seen so far: the largest sheet's last row and column, shared strings and their indexes."""

    rows: int = 0
    columns: int = 0
    strings: int = 0
    width: int = 0  # cells so far in the current row, when they carry no reference

    def check(self, part: str) -> None:
        if self.rows > MAX_ROWS:
            raise WorkbookRefused(f"{part} has row {self.rows:,}; a workbook has at most {MAX_ROWS:,}")
        if self.columns > MAX_COLUMNS:
            raise WorkbookRefused(f"{part} has column {self.columns:,}; a workbook has at most {MAX_COLUMNS:,}")
        if self.rows * self.columns > MAX_CELLS:
            raise WorkbookRefused(
                f"{part} spans {self.rows:,} rows × {self.columns:,} columns; at most {MAX_CELLS:,} cells are read"
            )
        if self.strings > MAX_STRINGS:
            raise WorkbookRefused(f"{part} holds more than {MAX_STRINGS:,} shared strings")


def scan(text: bytes, extent: Extent, part: str) -> None:
    """Add what ``text`` (whole tags of one part) says to ``extent``, refusing what no workbook holds."""
    rows, cells = tags(text, b"row", PREFIXED_ROW), tags(text, b"c", PREFIXED_CELL)
    references = text.count(REFERENCE)
    if references:
        numbers = REFERENCE_ROW.findall(text)
        if len(numbers) != references:
            raise BrokenPart(f"{part}: a cell reference that is not a column and a row (A1 to XFD1048576)")
        extent.rows = max(extent.rows, *map(int, numbers))
        columns = set(REFERENCE_COLUMN.findall(text))
        if columns:
            extent.columns = max(extent.columns, *map(column_number, columns))
    if rows + cells > references:  # rows or cells placed one after the other: counted on
        for match in ROW_OR_CELL.finditer(text):
            if match.group(1) == b"row":
                extent.width = 0
                extent.rows += 1
            else:
                extent.width += 1
                extent.columns = max(extent.columns, extent.width)
    if BAD_SHARED_INDEX.search(text):
        raise WorkbookRefused(f"{part}: a shared-string cell whose index is not a number from 0")
    extent.strings += tags(text, b"si", PREFIXED_ITEM)
    extent.check(part)


def scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, extent: Extent) -> None:
    """Scan one part as a stream, a megabyte at a time, never splitting a tag (nor a cell from its value)."""
    sheet = Extent(strings=extent.strings)
    carry = b""
    with archive.open(info) as stream:
        while chunk := stream.read(CHUNK):
            text = carry + chunk
            cut = text.rfind(b"<")
            while cut > 0 and VALUE_TAG.match(text, cut):  # keep <c t="s"><v>12</v> in one piece
                cut = text.rfind(b"<", 0, cut)
            cut = max(cut, 0)
            scan(text[:cut], sheet, info.filename)
            carry = text[cut:]
    if carry.rstrip() and not carry.rstrip().endswith(b">"):
        raise BrokenPart(f"{info.filename} ends inside a tag")
    scan(carry, sheet, info.filename)
    extent.rows, extent.columns = max(extent.rows, sheet.rows), max(extent.columns, sheet.columns)
    extent.strings = sheet.strings


def bounded(archive: zipfile.ZipFile) -> None:
    """Refuse (``WorkbookRefused``) a workbook past any bound, before calamine reads it."""
    extent = Extent()
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise WorkbookRefused(f"{info.filename} is encrypted")
        if info.compress_type not in EXCEL_COMPRESSIONS:
            raise WorkbookRefused(f"{info.filename} is compressed by method {info.compress_type}, not as Excel does")
    for info in archive.infolist():  # every part: a relationship may name any of them as a sheet
        scan_part(archive, info, extent)


def cell_value(value):
    """A value as calamine gives it, put as the import reads it: None for empty, an int when whole, datetimes."""
    if value == "":
        return None
    kind = value.__class__
    if kind is float:
        return int(value) if value.is_integer() else value
    if kind is datetime.date:
        return datetime.datetime(value.year, value.month, value.day)
    return value


class Workbook:
    """The sheets of an xlsx workbook, by name, read as values (``rows``)."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            bounded(archive)
        self.book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        self.sheetnames = list(self.book.sheet_names)

    def close(self) -> None:
        self.book.close()

    def rows(self, name: str) -> Iterator[list]:
        """The sheet's rows from the first, each a list of its values by column (None where empty)."""
        for row in self.book.get_sheet_by_name(name).to_python(skip_empty_area=False):
            yield [cell_value(value) for value in row]
