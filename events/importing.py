"""Reading an import file (CSV or XLSX) into validated participant rows, or a list of row errors.

The whole file is read and checked before anything is written: a file with a bad row is refused as a
whole (`events.services.participants_import` then writes the valid file in one transaction)."""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from events.exporting import SALESFORCE_COLUMNS
from events.fields import FieldSpec
from events.models import Event
from events.selectors import event_fields
from events.values import FieldValueError, value_parse

# Columns an export adds that an import ignores, so that an exported file can be imported back.
IGNORED_HEADERS = frozenset(label.lower() for label, _ in SALESFORCE_COLUMNS)


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    reason: str


@dataclass
class ParsedImport:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class UnreadableFile(Exception):
    """The file is not a CSV/XLSX we can read; the message is shown to the user."""


def _csv_rows(raw: bytes) -> Iterator[list[Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_rows(file: IO[bytes]) -> Iterator[list[Any]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile("This is not a readable .xlsx file.") from exc
    try:
        for row in workbook.active.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _columns(header: list[Any], specs: list[FieldSpec], errors: list[RowError]) -> dict[int, FieldSpec]:
    """Column index -> field, matching keys or labels case-insensitively."""
    lookup: dict[str, FieldSpec] = {}
    for spec in specs:
        lookup.setdefault(spec.label.strip().lower(), spec)
        lookup[spec.key.lower()] = spec
    columns: dict[int, FieldSpec] = {}
    seen: dict[str, str] = {}
    for index, cell in enumerate(header):
        name = str(cell or "").strip()
        if not name or name.lower() in IGNORED_HEADERS:
            continue
        spec = lookup.get(name.lower())
        if spec is None:
            errors.append(RowError(1, name, "unknown column: not a field key or label of this event"))
        elif spec.key in seen:
            errors.append(RowError(1, name, f"the field {spec.label} already has column {seen[spec.key]!r}"))
        else:
            columns[index] = spec
            seen[spec.key] = name
    if "email" not in seen:
        errors.append(RowError(1, "Email", "the file needs an email column"))
    return columns


def _row_values(
    number: int, cells: list[Any], columns: dict[int, FieldSpec], header: list[Any], errors: list[RowError]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for index, spec in columns.items():
        raw = cells[index] if index < len(cells) else None
        column = str(header[index]).strip()
        try:
            value = value_parse(spec, raw)
        except FieldValueError as exc:
            errors.append(RowError(number, column, str(exc)))
            continue
        values[spec.key] = value
    return values


def _check_email(number: int, values: dict[str, Any], seen: dict[str, int], errors: list[RowError]) -> None:
    email = values.get("email", "")
    if not email:
        errors.append(RowError(number, "Email", "the email is required"))
        return
    try:
        validate_email(email)
    except ValidationError:
        errors.append(RowError(number, "Email", f"{email!r} is not a valid email address"))
        return
    first = seen.setdefault(email.lower(), number)
    if first != number:
        errors.append(RowError(number, "Email", f"{email} is already on row {first}"))


def import_parse(*, event: Event, file: IO[bytes], name: str) -> ParsedImport:
    """Read and validate the whole file; `rows` are only meaningful when `errors` is empty."""
    result = ParsedImport()
    if name.lower().endswith(".xlsx"):
        table = _xlsx_rows(file)
    else:
        table = _csv_rows(file.read())
    try:
        header = next(table, None)
        if not header:
            raise UnreadableFile("The file is empty.")
        columns = _columns(header, event_fields(event=event), result.errors)
        if result.errors:
            return result  # row checks against a wrong header would only repeat the same problem
        seen: dict[str, int] = {}
        for number, cells in enumerate(table, start=2):
            if all(cell is None or str(cell).strip() == "" for cell in cells):
                continue
            values = _row_values(number, cells, columns, header, result.errors)
            _check_email(number, values, seen, result.errors)
            result.rows.append(values)
    except csv.Error as exc:
        raise UnreadableFile(f"This CSV file cannot be read: {exc}.") from exc
    if not result.rows and not result.errors:
        raise UnreadableFile("The file has a header but no participant rows.")
    return result
