"""Every exported cell that a spreadsheet would run as a formula is neutralized, headers included, in CSV
and XLSX; importing the export back takes exactly that quote off: nothing changes, nothing is queued."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.exporting import export_neutralize, export_unneutralize
from events.models import SyncState
from tests.events.test_import import upload
from tests.factories import ParticipantFactory, ParticipantFieldFactory

TRICKY = ["=1+1", "+33 6 12 34 56 78", "-5", "@SUM(A1)", "'=already quoted", "''@twice", "'plain quote", "ok"]


@pytest.mark.parametrize("value", TRICKY)
def test_unneutralize_takes_off_exactly_what_neutralize_added(value):
    exported = export_neutralize(value)
    assert not exported.startswith(("=", "+", "-", "@"))
    assert export_unneutralize(exported) == value


def _exported_rows(client, event, fmt):
    response = client.get(reverse("events:participant_export", args=[event.slug, fmt]))
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        return content, list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    assert all(cell.data_type == "s" for row in workbook.active.iter_rows() for cell in row
               if isinstance(cell.value, str))  # text cells only, no formula
    return content, [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_headers_and_cells_are_neutralized_and_the_export_imports_back_unchanged(client_member, event, fmt):
    ParticipantFieldFactory(event=event, key="link", label='=HYPERLINK("http://evil","x")', type="Text")
    people = [
        ParticipantFactory(event=event, email=f"p{i}@example.org", company=value, data={"link": value},
                           salesforce_sync_state=SyncState.SYNCED, change_counter=3)
        for i, value in enumerate(TRICKY)
    ]
    content, rows = _exported_rows(client_member, event, fmt)
    header = rows[0]
    assert '\'=HYPERLINK("http://evil","x")' in header
    cells = [cell for row in rows for cell in row if isinstance(cell, str)]
    assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@"))]

    page = upload(client_member, event, SimpleUploadedFile(f"export.{fmt}", content)).content.decode()
    assert f"0 participant(s) created, 0 updated, {len(TRICKY)} unchanged" in page
    for person in people:
        before = (person.company, person.data)
        person.refresh_from_db()
        assert (person.company, person.data) == before
        assert person.change_counter == 3 and person.salesforce_sync_state == SyncState.SYNCED
