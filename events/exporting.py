"""Exports of the participant grid (the current filtered view) to .csv and .xlsx.

Rows are read with `.iterator()` in chunks and written as they come, so memory stays flat whatever the
number of participants. CSV lines go straight to the response. The XLSX sheet is streamed to a file by
events.xlsx_sheet (the file XlsxWriter's constant-memory mode wrote, several times faster), with typed
cells (dates, datetimes, numbers, booleans), a frozen header row, an autofilter and column widths, so that
people can sort and filter it as it comes. Large exports run in the background (events.export_jobs); these
functions write the file either way."""

import csv
import datetime as dt
import itertools
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from events.field_types import value_cell
from events.fields import FieldSpec
from events.models import Participant
from events.values import value_display
from events.xlsx_sheet import xlsx_sheet_write

# Export-only columns (label, attribute): the Salesforce bookkeeping the sync engine writes.
SALESFORCE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Salesforce sync date", "salesforce_sync_date"),
    ("Salesforce sync state", "salesforce_sync_state"),
    ("Salesforce error code", "salesforce_error_code"),
    ("Salesforce error", "salesforce_error_message"),
    ("Salesforce object", "salesforce_object"),
    ("Salesforce Id", "salesforce_id"),
    ("Campaign member Id", "salesforce_campaign_member_id"),
)
# Rows fetched per database round trip; bounds memory while keeping the query count low.
CHUNK_SIZE = 2000
FILE_CHUNK = 64 * 1024
# A cell starting with = + - @ tab or CR is run as a formula by spreadsheet software (CSV injection): the
# export puts a "'" before it, also before a text that already starts with quotes then one of these, so
# that the import can take exactly one quote off and get back what was exported (export_unneutralize).
NEUTRALIZED = re.compile(r"'*[=+\-@\t\r]")


def export_neutralize(value: Any) -> Any:
    """A cell value that spreadsheet software shows as text, never runs as a formula."""
    if isinstance(value, str) and NEUTRALIZED.match(value):
        return f"'{value}"
    return value


def export_unneutralize(value: Any) -> Any:
    """The value an export neutralized, as it was: exactly the quote export_neutralize added comes off."""
    if isinstance(value, str) and value.startswith("'") and NEUTRALIZED.match(value, 1):
        return value[1:]
    return value


def export_header(specs: list[FieldSpec]) -> list[str]:
    return [spec.label for spec in specs] + [label for label, _ in SALESFORCE_COLUMNS]


def export_rows(
    specs: list[FieldSpec], queryset: QuerySet[Participant], *, typed: bool = False
) -> Iterator[list[Any]]:
    """One list of cell values per participant: as text for CSV, typed for XLSX (`typed`); datetimes are
    naive in the site's time zone. Only the exported columns are read, as tuples: model instances (and
    every other column, JSON and dates decoded) took a third of a 100,000-row export."""
    convert = value_cell if typed else value_display
    built_in = [spec.key for spec in specs if spec.built_in]
    columns = ["data", *built_in, *(attribute for _, attribute in SALESFORCE_COLUMNS)]
    fields = [(spec, columns.index(spec.key) if spec.built_in else None) for spec in specs]
    salesforce_from = 1 + len(built_in)
    zone = timezone.get_current_timezone()
    for values in queryset.values_list(*columns).iterator(chunk_size=CHUNK_SIZE):
        data = values[0] or {}
        row = [convert(spec, data.get(spec.key) if at is None else values[at]) for spec, at in fields]
        for value in values[salesforce_from:]:
            if isinstance(value, dt.datetime):
                value = timezone.localtime(value, zone).replace(tzinfo=None, microsecond=0)
            row.append(value if value is not None else "")
        yield row


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_safe(value: Any) -> Any:
    if isinstance(value, str):
        return export_neutralize(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return value


def csv_chunks(header: list[str], rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # a BOM so that Excel reads the accents as UTF-8
    yield writer.writerow([export_neutralize(label) for label in header])
    for row in rows:
        yield writer.writerow([_csv_safe(value) for value in row])


# Rows written between two progress reports of a background export.
PROGRESS_EVERY = 1000
Progress = Callable[[int], object]  # what it returns is ignored
WIDTH_MIN, WIDTH_MAX = 10, 48


def csv_write(file: IO[str], header: list[str], rows: Iterable[list[Any]]) -> None:
    """The CSV export into a text file."""
    file.writelines(csv_chunks(header, rows))


def rows_reporting(rows: Iterable[list[Any]], progress: Progress) -> Iterator[list[Any]]:
    """`rows`, telling `progress` how many went by every PROGRESS_EVERY rows."""
    for count, row in enumerate(rows, start=1):
        yield row
        if count % PROGRESS_EVERY == 0:
            progress(count)


def _width(label: str, sample: Any) -> float:
    if isinstance(sample, dt.datetime):
        return 18
    if isinstance(sample, dt.date):
        return 12
    length = len(str(sample)) if sample not in (None, "") else 0
    return min(max(len(label) + 3, length + 2, WIDTH_MIN), WIDTH_MAX)


def xlsx_write(path: Path, header: list[str], rows: Iterable[list[Any]]) -> None:
    """The XLSX export into the file at `path`; text is neutralized as in the CSV (the header too):
    spreadsheet software never runs it as a formula, and the import takes exactly the added quote off."""
    rows = iter(rows)
    first = next(rows, None)  # the widths come from the labels and the first row
    samples = first if first is not None else [None] * len(header)
    xlsx_sheet_write(
        path, sheet_name="Participants", header=header,
        widths=[_width(label, value) for label, value in zip(header, samples, strict=True)],
        rows=rows if first is None else itertools.chain([first], rows), guard=NEUTRALIZED,
    )


def xlsx_chunks(header: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.xlsx"
        xlsx_write(path, header, rows)
        with path.open("rb") as file:
            while chunk := file.read(FILE_CHUNK):
                yield chunk


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_response(
    *, fmt: str, specs: list[FieldSpec], queryset: QuerySet[Participant], filename: str
) -> StreamingHttpResponse:
    header = export_header(specs)
    rows = export_rows(specs, queryset, typed=fmt == "xlsx")
    chunks = xlsx_chunks(header, rows) if fmt == "xlsx" else csv_chunks(header, rows)
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
