"""Exports of the participant grid (the current filtered view) to .csv and .xlsx, streamed.

Rows are read with `.iterator()` in chunks and written as they come, so memory stays flat whatever the
number of participants: CSV lines go straight to the response; the XLSX sheet is written by openpyxl's
write-only mode to a temporary file, then sent in chunks."""

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator
from itertools import chain
from typing import Any

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from events.fields import FieldSpec
from events.models import Participant
from events.values import value_display

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


def export_rows(specs: list[FieldSpec], queryset: QuerySet[Participant]) -> Iterator[list[Any]]:
    """One list of cell values per participant; datetimes are naive in the site's time zone."""
    for participant in queryset.iterator(chunk_size=CHUNK_SIZE):
        data = participant.data or {}
        row = [
            value_display(spec, getattr(participant, spec.key) if spec.built_in else data.get(spec.key))
            for spec in specs
        ]
        for _, attribute in SALESFORCE_COLUMNS:
            value = getattr(participant, attribute)
            if isinstance(value, dt.datetime):
                value = timezone.localtime(value).replace(tzinfo=None, microsecond=0)
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


def xlsx_chunks(header: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Participants")
    for row in chain([header], rows):
        cells = []
        for value in row:
            if isinstance(value, str):
                # Neutralized, no text starts with "=" any more, which openpyxl would store as a formula.
                value = export_neutralize(ILLEGAL_CHARACTERS_RE.sub("", value))
            cells.append(value)
        sheet.append(cells)
    with tempfile.TemporaryFile() as buffer:
        workbook.save(buffer)
        buffer.seek(0)
        while chunk := buffer.read(FILE_CHUNK):
            yield chunk


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_response(
    *, fmt: str, specs: list[FieldSpec], queryset: QuerySet[Participant], filename: str
) -> StreamingHttpResponse:
    header = export_header(specs)
    rows = export_rows(specs, queryset)
    chunks = xlsx_chunks(header, rows) if fmt == "xlsx" else csv_chunks(header, rows)
    response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
