"""The export's .xlsx writer makes the file XlsxWriter made before it, part for part and byte for byte
(the creation time aside), for every kind of cell and for the texts Excel or XML need written with care:
what opened in Excel then opens now, and looks the same."""

import datetime as dt
import re
import zipfile
from decimal import Decimal

import openpyxl
import xlsxwriter

from events.exporting import NEUTRALIZED, export_neutralize
from events.models import SyncState
from events.xlsx_sheet import MAX_TEXT, XML_ILLEGAL, column_letters, xlsx_sheet_write

HEADER = ["Email", "=Label", "Count", "Amount", "Came", "Day", "Synced at", "Notes"]
WIDTHS = [28, 10, 10, 12.5, 10, 12, 18, 48]
TEXTS = [
    "=1+1", "+33 6 12 34 56 78", "-5", "@SUM(A1)", "'=already quoted", "''@twice", "\tTab first",
    "\rCR first", "a\rb", "line\nbreak", " leading", "trailing ", "\xa0no-break space", "Tom & Jerry <b>",
    '"quoted"', "_x0041_ is literal", "bell\x07 and \x1f", "\x01\x02", "\ufffe\uffff", "Chloé Ünïcode ☕",
    "x" * 40_000, "é" * (MAX_TEXT + 5), "😀" * 20_000, "a" * 16_380 + "😀😀😀",
]
ROWS = [
    ["a@example.com", "plain", 42, 2.5, True, dt.date(2026, 6, 11), dt.datetime(2026, 3, 10, 14, 30, 15), ""],
    ["b@example.com", None, 0, -3.25, False, dt.date(1900, 1, 1), dt.datetime(1900, 3, 1, 6, 0), None],
    [None, None, None, None, None, None, None, None],  # a row without a cell
    ["c@example.com", SyncState.SYNCED, 10**17, Decimal("2.50"), 1e20, dt.date(1900, 2, 28), "", "x"],
    *[[f"t{i}@example.com", text, i, None, None, None, None, text] for i, text in enumerate(TEXTS)],
]


def xlsxwriter_write(path, header, widths, rows):
    """The export as XlsxWriter wrote it, before events/xlsx_sheet.py (in its constant-memory mode)."""
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    sheet = workbook.add_worksheet("Participants")
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "bottom": 1})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for column, label in enumerate(header):
        sheet.write_string(0, column, export_neutralize(label), bold)
    sheet.freeze_panes(1, 0)
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                sheet.write_boolean(number, column, value)
            elif isinstance(value, int | float | Decimal):
                sheet.write_number(number, column, value)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(number, column, value, moment)
            elif isinstance(value, dt.date):
                sheet.write_datetime(number, column, value, day)
            else:
                text = export_neutralize(XML_ILLEGAL.sub("", str(value)))[:MAX_TEXT]
                sheet.write_string(number, column, text)
    sheet.autofilter(0, 0, len(rows), len(header) - 1)
    workbook.close()


def parts(path):
    with zipfile.ZipFile(path) as package:
        return [(info.filename, package.read(info)) for info in package.infolist()]


def write(path, rows, header=HEADER, widths=WIDTHS):
    xlsx_sheet_write(path, sheet_name="Participants", header=header, widths=widths, rows=iter(rows),
                     guard=NEUTRALIZED)


def assert_same_parts(now, before, *, but=()):
    now, before = parts(now), parts(before)
    assert [name for name, _ in now] == [name for name, _ in before]
    for (name, content), (_, expected) in zip(now, before, strict=True):
        if name in but:
            continue
        if name == "docProps/core.xml":  # the creation time, to the second
            content, expected = (re.sub(rb"\d{4}-\d\d-\d\dT[\d:]+Z", b"", xml) for xml in (content, expected))
        assert content == expected, name


def test_the_file_is_the_one_xlsxwriter_wrote_part_for_part(tmp_path):
    xlsxwriter_write(tmp_path / "before.xlsx", HEADER, WIDTHS, ROWS)
    write(tmp_path / "now.xlsx", ROWS)
    assert_same_parts(tmp_path / "now.xlsx", tmp_path / "before.xlsx")


def test_an_empty_export_of_one_column_is_its_header_with_its_filter_as_before(tmp_path):
    xlsxwriter_write(tmp_path / "before.xlsx", HEADER[:1], WIDTHS[:1], [])
    write(tmp_path / "now.xlsx", [], header=HEADER[:1], widths=WIDTHS[:1])
    # XlsxWriter listed only the styles cells used; the date styles are there anyway now, unused.
    assert_same_parts(tmp_path / "now.xlsx", tmp_path / "before.xlsx", but=("xl/styles.xml",))


def test_spreadsheets_read_back_typed_cells_and_neutralized_text(tmp_path):
    write(tmp_path / "now.xlsx", ROWS)
    sheet = openpyxl.load_workbook(tmp_path / "now.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "'=Label"
    synced_at = dt.datetime(2026, 3, 10, 14, 30, 15)
    assert rows[1][:7] == ("a@example.com", "plain", 42, 2.5, True, dt.datetime(2026, 6, 11), synced_at)
    texts = {row[0]: row[1] for row in rows[4:]}
    assert texts["t0@example.com"] == "'=1+1" and texts["t10@example.com"] == " leading"
    assert texts["t13@example.com"] == "Tom & Jerry <b>" and texts["t17@example.com"] == ""
    assert len(texts["t21@example.com"]) == MAX_TEXT and len(texts["t22@example.com"]) == MAX_TEXT // 2


def test_a_number_that_is_not_finite_is_shown_as_text_rather_than_breaking_the_file(tmp_path):
    write(tmp_path / "now.xlsx", [[float("nan"), float("inf")]], header=["A", "B"], widths=[10, 10])
    assert list(openpyxl.load_workbook(tmp_path / "now.xlsx").active.values)[1] == ("nan", "inf")


def test_columns_are_named_as_in_excel():
    names = ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
    assert [column_letters(index) for index in (0, 25, 26, 51, 52, 701, 702)] == names

