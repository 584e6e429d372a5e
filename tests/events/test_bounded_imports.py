"""Imports are bounded and answer clearly: size, unzipped size (before parsing), rows, control characters,
damaged sheets, a capped list of problems, emails equal once case is folded. Nothing is half-saved."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from events.models import SyncState
from tests.events.test_import import csv_file, upload, xlsx_file
from tests.factories import ParticipantFactory


def _rezipped(file: SimpleUploadedFile, replace: dict) -> SimpleUploadedFile:
    """The .xlsx with some entries replaced: by bytes, or by a function of the original bytes."""
    source = zipfile.ZipFile(io.BytesIO(file.read()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            new = replace.get(name, source.read(name))
            archive.writestr(name, new(source.read(name)) if callable(new) else new)
    return SimpleUploadedFile(file.name, out.getvalue())


def test_a_file_over_5_mb_is_refused_before_it_is_read(client_member, event):
    text = "email,first_name\n" + "a@example.org," + "x" * 5_000_000 + "\n"
    page = upload(client_member, event, csv_file(text)).content.decode()
    assert "This file is larger than 5 MB: split it." in page
    assert not event.participants.exists()


def test_an_xlsx_that_unzips_too_large_is_refused_from_its_zip_directory(client_member, event, settings):
    settings.IMPORT_MAX_XLSX_UNZIPPED_BYTES = 1_000_000
    # 2 MB of sheet that is not even XML: a parser would call it damaged; the size check answers first.
    sheet = {"xl/worksheets/sheet1.xml": b"<" * 2_000_000}
    bomb = _rezipped(xlsx_file([["email"], ["a@example.org"]]), sheet)
    assert bomb.size < 20_000
    page = upload(client_member, event, bomb).content.decode()
    assert "This .xlsx file unzips to more than 1 MB: split it." in page
    assert not event.participants.exists()


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda xml: b"<sheet<<&", "This is not a readable .xlsx file."),
        (lambda xml: xml[: len(xml) // 2] + b"<<&&", "This .xlsx file is damaged: its sheet cannot be read."),
    ],
    ids=["from-the-start", "midway"],
)
def test_a_damaged_sheet_is_a_clear_error_not_a_500(client_member, event, damage, message):
    rows = [["email"], *([f"p{i}@example.org"] for i in range(50))]
    damaged = _rezipped(xlsx_file(rows), {"xl/worksheets/sheet1.xml": damage})
    response = upload(client_member, event, damaged)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not event.participants.exists()


def test_more_rows_than_allowed_are_refused_whole(client_member, event, settings):
    settings.IMPORT_MAX_ROWS = 5
    text = "email\n" + "".join(f"p{i}@example.org\n" for i in range(6))
    page = upload(client_member, event, csv_file(text)).content.decode()
    assert "This file has more than 5 participant rows: split it." in page
    assert not event.participants.exists()


def test_nul_and_control_characters_are_refused_with_their_row_and_column(client_member, event):
    text = "email,first_name,company\na@example.org,Ana\x00,Acme\nb@example.org,Bo,Ac\x1bme\n"
    page = upload(client_member, event, csv_file(text)).content.decode()
    problem = "<td>contains a control character"
    assert f'<td class="num">2</td><td>first_name</td>{problem} (U+0000) at position 4' in page
    assert f'<td class="num">3</td><td>company</td>{problem} (U+001B) at position 3' in page
    assert not event.participants.exists()


def test_the_list_of_problems_stops_at_the_cap(client_member, event, settings):
    settings.IMPORT_MAX_ERRORS = 3
    text = "email\n" + "not-an-email\n" * 10
    page = upload(client_member, event, csv_file(text)).content.decode()
    assert "Reading stopped after the first 3 problems; nothing was saved." in page
    assert page.count("is not a valid email address") == 3
    assert not event.participants.exists()


def test_emails_equal_once_case_is_folded_are_one_duplicate_in_the_file(client_member, event):
    # Python's lower() gives "x@ας.gr" and "x@ασ.gr" (final sigma); PostgreSQL's lower() makes them equal.
    page = upload(client_member, event, csv_file("email\nx@ΑΣ.gr\nx@ασ.gr\n")).content.decode()
    assert '<td class="num">3</td><td>Email</td><td>x@ασ.gr is already on row 2' in page
    assert not event.participants.exists()


def test_an_email_equal_once_case_is_folded_updates_the_existing_participant(client_member, event):
    existing = ParticipantFactory(event=event, email="x@ασ.gr", company="Before")
    response = upload(client_member, event, csv_file("email,company\nx@ΑΣ.gr,After\n"))
    assert "0 participant(s) created, 1 updated" in response.content.decode()
    existing.refresh_from_db()
    assert event.participants.count() == 1 and existing.company == "After"
    assert existing.salesforce_sync_state == SyncState.PENDING
