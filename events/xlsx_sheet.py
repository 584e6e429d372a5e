"""The .xlsx file of an export: one sheet written as a stream, row by row.

XlsxWriter took 17.7 s for 100,000 participants (26 columns: 2.6 million cells), three quarters of it in
its Python per cell (a call, a tuple in a table, an XML writer call with attribute lists). The export
needs only a small part of it, so this writes that part directly, one piece of XML per row from the
types of its values: the same file as XlsxWriter's constant-memory mode (the same parts, styles and
theme, inline strings with Excel's escapes, dates as serial numbers), which tests/events/test_xlsx_sheet.py
checks part for part against XlsxWriter itself. What a sheet has: a bold header row kept in view, an
autofilter over every row, column widths, and text, number, boolean, date and date-time cells.

The rows go to a temporary file first: the sheet's XML begins with its dimensions, known at the end."""

import datetime as dt
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

# Excel's own limits: text beyond this many characters is cut rather than refused on opening; a sheet
# holds this many rows.
MAX_TEXT = 32_767
MAX_ROWS = 1_048_576
# Control characters XML 1.0 cannot hold (tab, line feed and carriage return can).
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# What Excel reads in a text as an escaped character ("_x000D_"); a literal one gets its "_" escaped.
EXCEL_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
EXCEL_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
# A text without any of these is written as it is; the others take the careful way (_text_careful).
NEEDS_CARE = re.compile(r"[\x00-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
# A text starting or ending with white space keeps it only when its <t> says so.
LEADING_SPACE, TRAILING_SPACE = re.compile(r"^\s"), re.compile(r"\s$")
ROWS_PER_WRITE = 1000
FILE_CHUNK = 1024 * 1024
# Cell styles, in the order of xl/styles.xml below.
HEADER_STYLE, DAY_STYLE, MOMENT_STYLE = 1, 2, 3
# Excel's day 0 (1900-01-00); Excel counts a 29 February 1900, so later serials are one more.
EPOCH = dt.datetime(1899, 12, 31)
EPOCH_ORDINAL = EPOCH.toordinal()
# Column widths: Excel stores the width of its 7-pixel digits (Calibri 11) plus 5 pixels of padding.
DIGIT_PIXELS, PADDING_PIXELS = 7, 5

XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument"
CONTENT_TYPES = (
    f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/docProps/app.xml" ContentType="{CONTENT_TYPE}.extended-properties+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{CONTENT_TYPE}.spreadsheetml.styles+xml"/>'
    f'<Override PartName="/xl/theme/theme1.xml" ContentType="{CONTENT_TYPE}.theme+xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{CONTENT_TYPE}.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{CONTENT_TYPE}.spreadsheetml.worksheet+xml"/></Types>'
)
PACKAGE_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/>'
    f'<Relationship Id="rId2" Type="{PACKAGE_RELATIONSHIPS}/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{RELATIONSHIPS}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = (
    f'{XML_HEAD}<Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
    f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/theme" Target="theme/theme1.xml"/>'
    f'<Relationship Id="rId3" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>'
)
FONT = '<sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/><scheme val="minor"/>'
STYLES = (
    f'{XML_HEAD}<styleSheet xmlns="{MAIN}"><numFmts count="2">'
    '<numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/>'
    f"</numFmts><fonts count=\"2\"><font>{FONT}</font><font><b/>{FONT}</font></fonts>"
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid">'
    '<fgColor rgb="FFF2F2F2"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left/><right/><top/><bottom style="thin"><color auto="1"/></bottom><diagonal/></border>'
    '</borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/>'
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16"/>'
    "</styleSheet>"
)
# The default Office theme, as Excel 2007 (and XlsxWriter) write it: the styles' fonts and colours refer
# to it.
THEME = (Path(__file__).with_name("xlsx_theme.xml")).read_bytes()
SHEET_VIEW = (
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
    'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
    '<sheetFormatPr defaultRowHeight="15"/>'
)
PAGE_MARGINS = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
# Excel's timestamp of the parts inside the package (as XlsxWriter sets it).
PART_TIME = (1980, 1, 1, 0, 0, 0)


def column_letters(index: int) -> str:
    """The letters of the column at `index` (0: "A", 26: "AA")."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _text_careful(text: str, guard: re.Pattern[str]) -> str:
    """The <t> element of a text that needs more than writing out: what XML cannot hold goes, a text the
    guard matches gets a "'" before it, Excel's limit cuts it, Excel's escapes and XML's apply."""
    text = XML_ILLEGAL.sub("", text)
    if guard.match(text):
        text = f"'{text}"
    text = text[:MAX_TEXT]
    if len(text) > MAX_TEXT // 2 and len(text.encode("utf-16-le", "surrogatepass")) > 2 * MAX_TEXT:
        # Excel counts UTF-16 units: a character beyond U+FFFF (an emoji) counts twice.
        text = text.encode("utf-16-le", "surrogatepass")[: 2 * MAX_TEXT].decode("utf-16-le", "ignore")
    text = EXCEL_ESCAPE.sub(r"_x005F\1", text)
    text = EXCEL_CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if LEADING_SPACE.search(text) or TRAILING_SPACE.search(text) else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<t{space}>{text}</t>"


def _text_cell(ref: str, text: str, guard: re.Pattern[str], style: str = "") -> str:
    if len(text) > MAX_TEXT // 2 or NEEDS_CARE.search(text) or guard.match(text):
        element = _text_careful(text, guard)
    else:
        element = f"<t>{text}</t>"
    return f'<c r="{ref}"{style} t="inlineStr"><is>{element}</is></c>'


def _number_cell(ref: str, number: int | float | Decimal) -> str:
    return f'<c r="{ref}"><v>{number:.16G}</v></c>'


def _moment_cell(ref: str, moment: dt.datetime) -> str:
    delta = moment - EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    if serial > 59:
        serial += 1
    return f'<c r="{ref}" s="{MOMENT_STYLE}"><v>{serial:.16G}</v></c>'


def _day_cell(ref: str, day: dt.date) -> str:
    serial = day.toordinal() - EPOCH_ORDINAL
    return f'<c r="{ref}" s="{DAY_STYLE}"><v>{serial + 1 if serial > 59 else serial}</v></c>'


def _cell(ref: str, value: Any, guard: re.Pattern[str]) -> str:
    """The <c> element of `value` (None and "" have none): its type, exactly, picks the kind of cell."""
    kind = type(value)
    if kind is str:
        return _text_cell(ref, value, guard) if value else ""
    if value is None:
        return ""
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is Decimal or (kind is float and math.isfinite(value)):
        return _number_cell(ref, value)
    if kind is dt.datetime:
        return _moment_cell(ref, value)
    if kind is dt.date:
        return _day_cell(ref, value)
    return _cell_of_subclass(ref, value, guard)


def _cell_of_subclass(ref: str, value: Any, guard: re.Pattern[str]) -> str:
    """The rare values of other types (a str enum, a non-finite float): as their nearest kind, else text."""
    if value == "":
        return ""
    if isinstance(value, int | Decimal) or (isinstance(value, float) and math.isfinite(value)):
        return _number_cell(ref, value)
    if isinstance(value, dt.datetime):
        return _moment_cell(ref, value)
    if isinstance(value, dt.date):
        return _day_cell(ref, value)
    return _text_cell(ref, str(value), guard)


def _rows_xml(rows: Iterable[list[Any]], letters: list[str], guard: re.Pattern[str], out: IO[bytes]) -> int:
    """Each row's <row> element into `out`, from row 2 on; returns the number of the last row (1 if
    none)."""
    number = 1
    pending: list[str] = []
    for number, row in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise ValueError(f"more than the {MAX_ROWS - 1:,} rows a sheet holds")
        suffix = str(number)
        cells = "".join(
            [_cell(letter + suffix, value, guard) for letter, value in zip(letters, row, strict=True)]
        )
        if cells:
            pending.append(f'<row r="{suffix}">{cells}</row>')
        if len(pending) >= ROWS_PER_WRITE:
            out.write("".join(pending).encode())
            pending.clear()
    out.write("".join(pending).encode())
    return number


def _width_xml(width: float) -> str:
    """A width in characters (at least 1) as Excel stores it: in whole pixels, then back in characters."""
    pixels = int(width * DIGIT_PIXELS + 0.5) + PADDING_PIXELS
    return f"{pixels * 256 // DIGIT_PIXELS / 256:.16g}"


def _cols_xml(widths: list[float]) -> str:
    """The <cols> element: one <col> per run of neighbouring columns of the same width."""
    runs: list[list[Any]] = []  # [first, last, width], 1-based
    for column, width in enumerate(widths, start=1):
        if runs and runs[-1][2] == width:
            runs[-1][1] = column
        else:
            runs.append([column, column, width])
    cols = "".join(
        f'<col min="{first}" max="{last}" width="{_width_xml(width)}" customWidth="1"/>'
        for first, last, width in runs
    )
    return f"<cols>{cols}</cols>" if cols else ""


def _reference(first: str, last: str) -> str:
    return first if first == last else f"{first}:{last}"


def _sheet_head(header: list[str], widths: list[float], letters: list[str], last_row: int,
                guard: re.Pattern[str]) -> str:
    """The sheet's XML before the data rows: dimensions, frozen header, widths, the header row."""
    style = f' s="{HEADER_STYLE}"'
    cells = "".join(
        _text_cell(f"{letter}1", label, guard, style) for letter, label in zip(letters, header, strict=True)
    )
    return (
        f'{XML_HEAD}<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f'<dimension ref="{_reference("A1", f"{letters[-1]}{last_row}")}"/>{SHEET_VIEW}{_cols_xml(widths)}'
        f'<sheetData><row r="1">{cells}</row>'
    )


def _workbook(sheet_name: str, filter_range: str) -> str:
    return (
        f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        '<fileVersion appName="xl" lastEdited="4" lowestEdited="4" rupBuild="4505"/>'
        '<workbookPr defaultThemeVersion="124226"/><bookViews>'
        '<workbookView xWindow="240" yWindow="15" windowWidth="16095" windowHeight="9660"/></bookViews>'
        f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets>'
        '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        f"{sheet_name}!{filter_range}</definedName></definedNames>"
        '<calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )


def _app_properties(sheet_name: str) -> str:
    return (
        f"{XML_HEAD}<Properties "
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        "<Application>Microsoft Excel</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
        '<HeadingPairs><vt:vector size="2" baseType="variant"><vt:variant><vt:lpstr>Worksheets</vt:lpstr>'
        "</vt:variant><vt:variant><vt:i4>1</vt:i4></vt:variant></vt:vector></HeadingPairs><TitlesOfParts>"
        f'<vt:vector size="1" baseType="lpstr"><vt:lpstr>{sheet_name}</vt:lpstr></vt:vector></TitlesOfParts>'
        "<Company></Company><LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged><AppVersion>12.0000</AppVersion></Properties>"
    )


def _core_properties(created: dt.datetime) -> str:
    stamp = created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"{XML_HEAD}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        "<dc:creator></dc:creator><cp:lastModifiedBy></cp:lastModifiedBy>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>'
    )


def _part(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, PART_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def xlsx_sheet_write(
    path: Path, *, sheet_name: str, header: list[str], widths: list[float], rows: Iterable[list[Any]],
    guard: re.Pattern[str],
) -> None:
    """A workbook at `path` of one sheet: `header` (bold, kept in view), then `rows`, filterable; the
    columns `widths` characters wide (at least 1). A text `guard` matches at its start gets a "'" before
    it. `sheet_name` is one plain word: it needs no quoting anywhere."""
    if not re.fullmatch(r"[A-Za-z]+", sheet_name) or not header or len(widths) != len(header):
        raise ValueError("a plain sheet name, and a width for each of at least one column")
    letters = [column_letters(index) for index in range(len(header))]
    with tempfile.TemporaryFile(dir=path.parent) as data:
        last_row = _rows_xml(rows, letters, guard, data)
        filtered = _reference("A1", f"{letters[-1]}{last_row}")
        head = _sheet_head(header, widths, letters, last_row, guard).encode()
        tail = f"</sheetData><autoFilter ref=\"{filtered}\"/>{PAGE_MARGINS}</worksheet>".encode()
        sheet = _part("xl/worksheets/sheet1.xml")
        sheet.file_size = len(head) + data.tell() + len(tail)  # lets zipfile choose ZIP64 only when needed
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr(_part("[Content_Types].xml"), CONTENT_TYPES)
            package.writestr(_part("_rels/.rels"), PACKAGE_RELS)
            package.writestr(_part("xl/_rels/workbook.xml.rels"), WORKBOOK_RELS)
            with package.open(sheet, "w") as entry:
                entry.write(head)
                data.seek(0)
                shutil.copyfileobj(data, entry, FILE_CHUNK)
                entry.write(tail)
            absolute = _reference("$A$1", f"${letters[-1]}${last_row}")
            package.writestr(_part("xl/workbook.xml"), _workbook(sheet_name, absolute))
            package.writestr(_part("xl/styles.xml"), STYLES)
            package.writestr(_part("xl/theme/theme1.xml"), THEME)
            package.writestr(_part("docProps/core.xml"), _core_properties(dt.datetime.now(dt.UTC)))
            package.writestr(_part("docProps/app.xml"), _app_properties(sheet_name))
