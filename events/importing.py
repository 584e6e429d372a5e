"""Reading an import file (CSV or XLSX) into validated participant rows, or a list of row errors.

The whole file is read and checked before anything is written: a file with a bad row is refused as a
whole (`events.services.participants_import` then writes the valid file in one transaction)."""

import csv
import io
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from events.exporting import SALESFORCE_COLUMNS, export_unneutralize
from events.field_types import value_parse
from events.fields import FieldSpec
from events.models import Event
from events.selectors import event_fields
from events.services import email_key
from events.values import FieldValueError

# Columns an export adds that an import ignores, so that an exported file can be imported back.
IGNORED_HEADERS = frozenset(label.lower() for label, _ in SALESFORCE_COLUMNS)
# Control characters other than tab and line breaks: PostgreSQL refuses NUL in text, and the others are
# invisible garbage that a spreadsheet or Salesforce would show as such.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What openpyxl and zipfile raise on a damaged .xlsx (broken XML is a SyntaxError, lxml's or the stdlib's).
DAMAGED_XLSX = (
    zipfile.BadZipFile, zlib.error, EOFError, KeyError, OSError, ValueError, TypeError, SyntaxError
)


@dataclass(frozen=True)
class RowError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    reason: str


@dataclass
class ParsedImport:
    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    stopped: bool = False  # IMPORT_MAX_ERRORS problems were found: the rest of the file was not read

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


def _xlsx_check_size(file: IO[bytes]) -> None:
    """Refuse a zip whose entries would unzip to more than IMPORT_MAX_XLSX_UNZIPPED_BYTES, from its
    directory alone, before anything is decompressed (zipfile never inflates an entry past its
    declared size, so a lying directory only gets a damaged-file error later)."""
    limit = settings.IMPORT_MAX_XLSX_UNZIPPED_BYTES
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except DAMAGED_XLSX as exc:
        raise UnreadableFile("This is not a readable .xlsx file.") from exc
    finally:
        file.seek(0)
    if len(entries) > 1000 or sum(entry.file_size for entry in entries) > limit:
        raise UnreadableFile(f"This .xlsx file unzips to more than {limit / 1e6:g} MB: split it.")


def _xlsx_rows(file: IO[bytes]) -> Iterator[list[Any]]:
    import openpyxl

    _xlsx_check_size(file)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except DAMAGED_XLSX as exc:
        raise UnreadableFile("This is not a readable .xlsx file.") from exc
    try:
        sheet = workbook.active
        if sheet is None:  # no visible sheet
            raise UnreadableFile("This .xlsx file has no sheet to read.")
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except DAMAGED_XLSX as exc:
        raise UnreadableFile("This .xlsx file is damaged: its sheet cannot be read.") from exc
    finally:
        workbook.close()


def _control_character(value: Any) -> str:
    """A description of the first control character of a text cell, or ""."""
    match = CONTROL_CHARACTERS.search(value) if isinstance(value, str) else None
    if not match:
        return ""
    return f"contains a control character (U+{ord(match.group()):04X}) at position {match.start() + 1}"


def _columns(header: list[Any], specs: list[FieldSpec], errors: list[RowError]) -> dict[int, FieldSpec]:
    """Column index -> field, matching keys or labels case-insensitively."""
    lookup: dict[str, FieldSpec] = {}
    for known in specs:
        lookup.setdefault(known.label.strip().lower(), known)
        lookup[known.key.lower()] = known
    columns: dict[int, FieldSpec] = {}
    seen: dict[str, str] = {}
    for index, cell in enumerate(header):
        name = export_unneutralize(str(cell or "")).strip()
        if _control_character(name):
            errors.append(RowError(1, repr(name), _control_character(name)))
            continue
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
        raw = export_unneutralize(cells[index] if index < len(cells) else None)
        column = export_unneutralize(str(header[index])).strip()
        if problem := _control_character(raw):
            errors.append(RowError(number, column, problem))
            continue
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
    first = seen.setdefault(email_key(email), number)
    if first != number:
        errors.append(RowError(number, "Email", f"{email} is already on row {first}"))


def _check_size(file: IO[bytes]) -> None:
    limit = settings.IMPORT_MAX_BYTES
    size = getattr(file, "size", None)
    if size is None:
        size = file.seek(0, io.SEEK_END)
        file.seek(0)
    if size > limit:
        raise UnreadableFile(f"This file is larger than {limit / 1e6:g} MB: split it.")


def import_parse(*, event: Event, file: IO[bytes], name: str) -> ParsedImport:
    """Read and validate the whole file; `rows` are only meaningful when `errors` is empty. Bounded:
    file size, unzipped size, rows and listed problems are checked as the file is read."""
    _check_size(file)
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
        _read_rows(table, columns, header, result)
    except csv.Error as exc:
        raise UnreadableFile(f"This CSV file cannot be read: {exc}.") from exc
    if not result.rows and not result.errors:
        raise UnreadableFile("The file has a header but no participant rows.")
    return result


def _read_rows(
    table: Iterator[list[Any]], columns: dict[int, FieldSpec], header: list[Any], result: ParsedImport
) -> None:
    max_rows, max_errors = settings.IMPORT_MAX_ROWS, settings.IMPORT_MAX_ERRORS
    seen: dict[str, int] = {}
    for number, cells in enumerate(table, start=2):
        if number - 1 > max_rows:
            raise UnreadableFile(f"This file has more than {max_rows:,} participant rows: split it.")
        if all(cell is None or str(cell).strip() == "" for cell in cells):
            continue
        values = _row_values(number, cells, columns, header, result.errors)
        _check_email(number, values, seen, result.errors)
        result.rows.append(values)
        if len(result.errors) >= max_errors:
            del result.errors[max_errors:]
            result.stopped = True
            return
