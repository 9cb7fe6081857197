"""Reading xlsx values with the standard library (governance/ingest/ods/workbook.py): the same
values openpyxl reads, for every kind of cell the ODS files or a user's re-saved copy may hold."""

import datetime
import io
import zipfile

import openpyxl
import pytest

from governance.ingest.ods.importer import SHIPPED
from governance.ingest.ods.workbook import Workbook, column_index, from_serial, is_date_format


def openpyxl_rows(data: bytes, sheet: str) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    return [list(row) for row in workbook[sheet].iter_rows(values_only=True)]


def our_rows(data: bytes, sheet: str) -> list[list]:
    return list(Workbook(zipfile.ZipFile(io.BytesIO(data))).rows(sheet))


def padded(rows: list[list], width: int) -> list[list]:
    return [row + [None] * (width - len(row)) for row in rows]


def test_every_kind_of_cell_reads_as_openpyxl_reads_it():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Cells"
    sheet.append(["PCN Code", "Count", "Share", "Current", "Open Date", "Saved", "Note"])
    sheet.append(["U00001", 5, 5.5, True, "20191001", datetime.datetime(2024, 10, 1), None])
    sheet.append([])  # a row with no cells, and another
    sheet.append([])
    sheet.append(["U00002", -3, 1e-9, False, None, datetime.datetime(2022, 7, 1, 12, 30), "=1+1"])
    sheet["F5"].number_format = "dd/mm/yyyy hh:mm"
    sheet["B5"].number_format = '0 "days"'  # quoted letters: not a date
    workbook.create_sheet("Other").append(["only", "here"])
    stream = io.BytesIO()
    workbook.save(stream)
    data = stream.getvalue()

    ours = our_rows(data, "Cells")

    assert padded(ours, 7) == padded(openpyxl_rows(data, "Cells"), 7)
    assert ours[1][5] == datetime.datetime(2024, 10, 1) and ours[2] == [] and ours[4][0] == "U00002"
    assert Workbook(zipfile.ZipFile(io.BytesIO(data))).sheetnames == ["Cells", "Other"]


def test_the_shipped_epcn_workbook_reads_the_same():
    data = SHIPPED.epcn.read_bytes()
    for sheet in ("PCNDetails", "PCN Core Partner Details"):
        theirs = openpyxl_rows(data, sheet)
        width = max(len(row) for row in theirs)
        assert padded(our_rows(data, sheet), width) == theirs


@pytest.mark.parametrize(("letters", "index"), [("A", 0), ("Z", 25), ("AA", 26), ("AZ", 51), ("BA", 52)])
def test_column_letters(letters, index):
    assert column_index(letters) == index


def test_date_formats_and_serials():
    assert is_date_format("dd/mm/yyyy") and is_date_format("h:mm") and is_date_format("[$-809]d mmmm yyyy")
    assert not is_date_format("0.00") and not is_date_format('0 "days"') and not is_date_format("General")
    assert from_serial(45566, date1904=False) == datetime.datetime(2024, 10, 1)
    assert from_serial(44743.5, date1904=False) == datetime.datetime(2022, 7, 1, 12)
    assert from_serial(0, date1904=True) == datetime.datetime(1904, 1, 1)
