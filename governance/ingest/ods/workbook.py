"""The values of an xlsx workbook's sheets, read with the standard library's zip and XML readers.

openpyxl builds an object per cell and per shared string: reading the ePCN workbook (two
sheets, 9,000 rows, 20,000 shared strings) was half of a re-import that changes nothing.
The import needs each cell's value only, so this reads the parts that give them — the list
of sheets, the shared strings, which cell styles are dates, and each sheet's rows — as a
stream of XML events. Values are those openpyxl gives with ``data_only``: text, numbers
(an int when whole), booleans, datetimes for numbers in a date format, a formula's last
value.

Broken input raises what the zip and XML readers raise (``BadZipFile``, ``KeyError``,
``ParseError``, ``ValueError``…); ``files.BROKEN_WORKBOOK`` lists them and ``files`` turns
them into an ``OdsFileError``. The XML reader is expat's (as openpyxl's is): it fetches no
external entity and bounds entity expansion. ``files.open_workbook`` bounds the unzipped size.
"""

import datetime
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree.ElementTree import iterparse

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
DOCUMENT_RELATIONS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_RELATIONS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
# Excel's built-in number formats that are dates or times (ECMA-376 18.8.30).
DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
ROW, CELL, VALUE, INLINE = (MAIN + tag for tag in ("row", "c", "v", "is"))
# What a custom number format says literally ("quoted", \escaped, [colour]), left out before
# looking for the letters of a date or time.
LITERALS = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
DATE_LETTERS = re.compile(r"[dmyhs]", re.IGNORECASE)


def parse(stream, events=("end",)):
    """The XML events of a part of the workbook.

    expat (Python's, as openpyxl's) fetches no external entity and bounds entity expansion
    (expat 2.4+: no "billion laughs"); the parts' unzipped size is bounded before (MAX_BYTES).
    """
    return iterparse(stream, events=events)  # noqa: S314 - see above


def column_index(letters: str) -> int:
    """ "A" → 0, "Z" → 25, "AA" → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def is_date_format(code: str) -> bool:
    """Whether a custom number format shows a date or time ("dd/mm/yyyy", "h:mm"), not a number."""
    return bool(DATE_LETTERS.search(LITERALS.sub("", code)))


def from_serial(serial: float, date1904: bool) -> datetime.datetime:
    """An Excel date serial number as a datetime (in the 1900 system, day 60 is Excel's 29 February 1900)."""
    if date1904:
        base = datetime.datetime(1904, 1, 1)
    else:
        base = datetime.datetime(1899, 12, 30) if serial >= 60 else datetime.datetime(1899, 12, 31)
    days, fraction = divmod(serial, 1)
    # To the millisecond, as Excel shows it (and openpyxl reads it): a float's tail is no time of day.
    return base + datetime.timedelta(days=days, milliseconds=round(fraction * 86_400_000))


def text_of(element) -> str:
    """A string item's text: its own ``<t>``, or its runs' (``<r><t>``); never its phonetic reading (``<rPh>``)."""
    parts = []
    for child in element:
        if child.tag == MAIN + "t":
            parts.append(child.text or "")
        elif child.tag == MAIN + "r":
            parts += [t.text or "" for t in child.iter(MAIN + "t")]
    return "".join(parts)


class Workbook:
    """The sheets of an xlsx workbook, by name, read as values (``rows``)."""

    def __init__(self, archive: zipfile.ZipFile):
        self.archive = archive
        self.main = self._main_part()
        self.date1904 = False
        self.sheets = self._sheets()  # name → part
        self.sheetnames = list(self.sheets)
        self._strings: list[str] | None = None
        self._date_styles: frozenset[int] | None = None

    def close(self) -> None:
        self.archive.close()

    def _related(self, part: str) -> dict[str, str]:
        """The parts ``part`` refers to, by relationship id, as paths in the archive."""
        folder, name = posixpath.split(part)
        relations = posixpath.join(folder, "_rels", f"{name}.rels")
        found = {}
        with self.archive.open(relations) as stream:
            for _event, element in parse(stream):
                if element.tag == PACKAGE_RELATIONS + "Relationship":
                    target = element.get("Target", "")
                    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                    found[element.get("Id")] = posixpath.normpath(path)
        return found

    def _main_part(self) -> str:
        """The workbook part (``xl/workbook.xml`` as Excel writes it)."""
        with self.archive.open("_rels/.rels") as stream:
            for _event, element in parse(stream):
                if element.tag == PACKAGE_RELATIONS + "Relationship" and element.get("Type") == OFFICE_DOCUMENT:
                    return element.get("Target", "").lstrip("/")
        raise KeyError("the package names no workbook part")

    def _sheets(self) -> dict[str, str]:
        related = self._related(self.main)
        sheets = {}
        with self.archive.open(self.main) as stream:
            for _event, element in parse(stream):
                if element.tag == MAIN + "workbookPr":
                    self.date1904 = element.get("date1904", "0").lower() in ("1", "true")
                elif element.tag == MAIN + "sheet":
                    sheets[element.get("name")] = related[element.get(DOCUMENT_RELATIONS + "id")]
        return sheets

    def _optional_part(self, suffix: str) -> str | None:
        """The part of the workbook whose name ends with ``suffix`` (sharedStrings.xml, styles.xml), if any."""
        return next((path for path in self._related(self.main).values() if path.endswith(suffix)), None)

    @property
    def strings(self) -> list[str]:
        """The shared strings, in order."""
        if self._strings is None:
            self._strings = []
            part = self._optional_part("sharedStrings.xml")
            if part is not None:
                with self.archive.open(part) as stream:
                    for _event, element in parse(stream):
                        if element.tag == MAIN + "si":
                            self._strings.append(text_of(element))
                            element.clear()
        return self._strings

    @property
    def date_styles(self) -> frozenset[int]:
        """The cell styles (indexes of ``cellXfs``) whose number format is a date or time."""
        if self._date_styles is None:
            custom, formats = {}, []
            part = self._optional_part("styles.xml")
            if part is not None:
                with self.archive.open(part) as stream:
                    in_cell_formats = False
                    for event, element in parse(stream, events=("start", "end")):
                        if element.tag == MAIN + "cellXfs":
                            in_cell_formats = event == "start"
                        elif event == "end" and element.tag == MAIN + "numFmt":
                            custom[int(element.get("numFmtId"))] = element.get("formatCode", "")
                        elif event == "end" and element.tag == MAIN + "xf" and in_cell_formats:
                            formats.append(int(element.get("numFmtId", "0")))
            self._date_styles = frozenset(
                index
                for index, number_format in enumerate(formats)
                if number_format in DATE_FORMAT_IDS
                or (number_format in custom and is_date_format(custom[number_format]))
            )
        return self._date_styles

    def value(self, cell, strings: list[str], date_styles: frozenset[int]):
        """A ``<c>`` element's value (``strings`` and ``date_styles`` passed in: this runs for every cell)."""
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(INLINE)
            return text_of(inline) if inline is not None else None
        element = cell.find(VALUE)
        text = element.text if element is not None else None
        if text is None:
            return None
        if kind == "s":
            return strings[int(text)]
        if kind in ("str", "e"):  # a formula's text, an error (#N/A)
            return text
        if kind == "b":
            return text.strip() == "1"
        if kind == "d":  # an ISO 8601 date
            return datetime.datetime.fromisoformat(text)
        number = float(text)
        if date_styles and int(cell.get("s", "0")) in date_styles:
            return from_serial(number, self.date1904)
        return int(number) if number.is_integer() and not any(c in text for c in ".eE") else number

    def rows(self, name: str) -> Iterator[list]:
        """The sheet's rows from the first, each a list of its values by column (None where empty).

        A row the sheet leaves out (no cells) comes as an empty list, so rows keep their numbers.
        """
        strings, date_styles = self.strings, self.date_styles
        expected = 1
        with self.archive.open(self.sheets[name]) as stream:
            for _event, element in parse(stream):
                if element.tag != ROW:
                    continue
                number = int(element.get("r") or expected)
                while expected < number:
                    yield []
                    expected += 1
                values: list = []
                for cell in element.iterfind(CELL):
                    reference = cell.get("r")
                    column = column_index(reference.rstrip("0123456789")) if reference else len(values)
                    if column >= len(values):
                        values.extend([None] * (column + 1 - len(values)))
                    values[column] = self.value(cell, strings, date_styles)
                yield values
                expected = number + 1
                element.clear()
