"""Reading xlsx values with python-calamine (governance/ingest/ods/workbook.py): the same values
openpyxl reads, for every kind of cell the ODS files or a user's re-saved copy may hold; and
hostile workbooks refused by their counts (cells, rows, columns, shared strings, members)
before calamine reads them, with a message naming what, never a traceback."""

import datetime
import io
import zipfile

import openpyxl
import pytest

from governance.ingest.ods import workbook
from governance.ingest.ods.files import OdsFileError, open_workbook
from governance.ingest.ods.importer import SHIPPED
from governance.ingest.ods.workbook import Workbook, column_number


def openpyxl_rows(data: bytes, sheet: str) -> list[list]:
    """openpyxl's values, an empty text read as an empty cell (as the import reads both)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return [[None if value == "" else value for value in row] for row in book[sheet].iter_rows(values_only=True)]


def our_rows(data: bytes, sheet: str) -> list[list]:
    return list(Workbook(data).rows(sheet))


def padded(rows: list[list], width: int) -> list[list]:
    return [row + [None] * (width - len(row)) for row in rows]


def test_every_kind_of_cell_reads_as_openpyxl_reads_it():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Cells"
    sheet.append(["PCN Code", "Count", "Share", "Current", "Open Date", "Saved", "Note"])
    sheet.append(["U00001", 5, 5.5, True, "20191001", datetime.datetime(2024, 10, 1), None])
    sheet.append([])  # a row with no cells, and another
    sheet.append([])
    sheet.append(["U00002", -3, 1e-9, False, None, datetime.datetime(2022, 7, 1, 12, 30), "=1+1"])
    sheet["F5"].number_format = "dd/mm/yyyy hh:mm"
    sheet["B5"].number_format = '0 "days"'  # quoted letters: not a date
    book.create_sheet("Other").append(["only", "here"])
    stream = io.BytesIO()
    book.save(stream)
    data = stream.getvalue()

    ours = our_rows(data, "Cells")

    assert padded(ours, 7) == padded(openpyxl_rows(data, "Cells"), 7)
    assert ours[1][5] == datetime.datetime(2024, 10, 1) and ours[1][1] == 5 and isinstance(ours[1][1], int)
    assert not any(ours[2]) and ours[4][0] == "U00002"
    assert Workbook(data).sheetnames == ["Cells", "Other"]


def test_the_shipped_epcn_workbook_reads_the_same():
    data = SHIPPED.epcn.read_bytes()
    for sheet in ("PCNDetails", "PCN Core Partner Details"):
        theirs = openpyxl_rows(data, sheet)
        width = max(len(row) for row in theirs)
        assert padded(our_rows(data, sheet), width) == theirs


@pytest.mark.parametrize(("letters", "number"), [(b"A", 1), (b"Z", 26), (b"AA", 27), (b"AZ", 52), (b"XFD", 16384)])
def test_column_letters(letters, number):
    assert column_number(letters) == number


# --- hostile workbooks: refused by their counts, before calamine reads them ---------------------

CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)


def book_of(
    rows: bytes,
    strings: bytes = b"<si><t>hello</t></si>",
    compression=zipfile.ZIP_DEFLATED,
    end: bytes = b"</sheetData></worksheet>",
) -> bytes:
    """A one-sheet workbook whose sheetData is ``rows`` and whose shared strings are ``strings``."""
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w", compression=compression) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(
            "xl/sharedStrings.xml",
            b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + strings
            + b"</sst>",
        )
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b"<sheetData>" + rows + end,
        )
    return stream.getvalue()


def refusal(data: bytes, tmp_path) -> str:
    with pytest.raises(OdsFileError) as raised:
        book = open_workbook(tmp_path / "ePCN.xlsx", data)
        for name in book.sheetnames:
            list(book.rows(name))
    return str(raised.value)


def test_a_small_bounded_workbook_reads(tmp_path):
    data = book_of(b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>5</v></c></row>')
    assert list(open_workbook(tmp_path / "ePCN.xlsx", data).rows("S")) == [["hello", 5]]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (b'<row r="2000000000"><c r="A2000000000"><v>1</v></c></row>', "has row 2,000,000,000"),
        (b'<row r="1"><c r="XFDXFDXFD1"><v>1</v></c></row>', "column"),
        (b'<row r="1"><c r="A1"><v>1</v></c><c r="XFD1048576"><v>1</v></c></row>', "spans 1,048,576 rows"),
        (b'<row r="1"><c r="A1" t="s"><v>-1</v></c></row>', "shared-string cell whose index is not a number"),
        # Cells and rows without references, placed one after the other: counted.
        (b"<row>" + b"<c><v>1</v></c>" * 20_000 + b"</row>", "has column 20,000"),
        (b"<row>" + b"<c/>" * 2_000 + b"</row>" + b"<row/>" * 1_000, "spans 1,001 rows × 2,000 columns"),
    ],
)
def test_a_sheet_past_the_bounds_is_refused_by_its_counts(rows, message, tmp_path):
    said = refusal(book_of(rows), tmp_path)
    assert "ePCN.xlsx: the workbook is refused" in said and message in said


def test_a_cell_reference_that_is_no_a1_or_a_part_cut_short_is_no_workbook(tmp_path):
    said = refusal(book_of(b'<row r="1"><c r="a1"><v>1</v></c></row>'), tmp_path)
    assert "not a readable Excel workbook" in said and "not a column and a row" in said
    cut_short = book_of(b'<row r="1"><c r="A1"><v>1</v></c></row>', end=b"</sheetData></work")
    assert "not a readable Excel workbook" in refusal(cut_short, tmp_path)


def test_too_many_shared_strings_are_refused_before_they_are_kept(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_STRINGS", 1_000)  # the real bound, a million, holds the same way
    data = book_of(b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>', strings=b"<si/>" * 1_001)
    assert "more than 1,000 shared strings" in refusal(data, tmp_path)


def test_shared_strings_split_across_chunks_are_all_counted(tmp_path, monkeypatch):
    monkeypatch.setattr(workbook, "MAX_STRINGS", 1_000)
    monkeypatch.setattr(workbook, "CHUNK", 7)  # every tag cut in two somewhere
    data = book_of(b'<row r="1"><c r="A1" t="s"><v>-1</v></c></row>', strings=b"<si><t>x</t></si>" * 1_001)
    assert "more than 1,000 shared strings" in refusal(data, tmp_path)
    negative = book_of(b'<row r="1"><c r="A1" t="s"><v>-1</v></c></row>')
    assert "index is not a number" in refusal(negative, tmp_path)


def test_a_member_compressed_otherwise_than_excel_does_is_refused(tmp_path):
    data = book_of(b'<row r="1"><c r="A1"><v>1</v></c></row>', compression=zipfile.ZIP_BZIP2)
    assert "not as Excel does" in refusal(data, tmp_path)


def test_an_encrypted_member_is_refused(tmp_path):
    data = bytearray(book_of(b'<row r="1"><c r="A1"><v>1</v></c></row>'))
    # Set the "encrypted" flag of the first member, in its local and central headers.
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + flags_at
        data[at] |= 0x1
    assert "is encrypted" in refusal(bytes(data), tmp_path)


@pytest.mark.parametrize("value", [b"1e300", b"-1e9", b"inf"])
def test_a_date_cell_out_of_any_calendar_reads_as_a_number(value, tmp_path):
    data = book_of(b'<row r="1"><c r="A1" s="0"><v>' + value + b"</v></c></row>")
    (cell,) = next(open_workbook(tmp_path / "ePCN.xlsx", data).rows("S"))
    assert isinstance(cell, int | float)  # the readers then refuse it as no date, naming its row
