"""Exports of the current grid view: every field, custom ones and the Salesforce bookkeeping."""

import csv
import datetime as dt
import io

import openpyxl
from django.urls import reverse
from django.utils import timezone

from events.models import SyncState
from tests.factories import EventFactory, ParticipantFactory

SYNCED_AT = dt.datetime(2026, 3, 10, 14, 30, tzinfo=dt.UTC)


def make_people(event):
    ParticipantFactory(
        event=event,
        email="synced@example.com",
        first_name="Amélie",
        last_name="Durand",
        company='=HYPERLINK("http://evil")',
        data={
            "ticket": "VIP",
            "sessions": ["Keynote", "Workshop, hands-on"],
            "booth": True,
            "arrival": "2026-06-11",
        },
        salesforce_sync_date=SYNCED_AT,
        salesforce_sync_state=SyncState.SYNCED,
        salesforce_object="Contact",
        salesforce_id="003000000000001AAA",
    )
    ParticipantFactory(
        event=event,
        email="failed@example.com",
        salesforce_sync_state=SyncState.FAILED,
        salesforce_error_code="REQUIRED_FIELD_MISSING",
        salesforce_error_message="Required fields are missing: [Company]",
    )
    ParticipantFactory(event=EventFactory(), email="other-event@example.com")


def export(client, event, fmt, **params):
    url = reverse("events:participant_export", args=[event.slug, fmt])
    response = client.get(url, params)
    assert response.status_code == 200 and response.streaming
    assert f"{event.slug}-participants-" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_xlsx_export_has_custom_fields_and_sync_columns(client_member, event, custom_fields):
    make_people(event)
    workbook = openpyxl.load_workbook(io.BytesIO(export(client_member, event, "xlsx")))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("Email", "First name", "Last name")
    for column in ("Ticket type", "Sessions", "Visited booth", "Salesforce sync date", "Salesforce error"):
        assert column in header
    by_email = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_email) == {"synced@example.com", "failed@example.com"}
    synced = by_email["synced@example.com"]
    assert synced["Salesforce sync date"] == timezone.localtime(SYNCED_AT).replace(tzinfo=None)
    assert synced["Sessions"] == "Keynote; Workshop, hands-on"
    assert synced["Visited booth"] is True and synced["Ticket type"] == "VIP"  # typed cells, not text
    assert synced["Arrival date"] == dt.datetime(2026, 6, 11)  # a date cell (openpyxl reads it as datetime)
    synced_row = 2 + [row[0] for row in rows[1:]].index("synced@example.com")  # rows follow the names
    column = header.index("Salesforce sync date") + 1
    assert sheet.cell(row=synced_row, column=column).number_format == "yyyy-mm-dd hh:mm"
    assert sheet.cell(row=synced_row, column=header.index("Arrival date") + 1).number_format == "yyyy-mm-dd"
    # People can use it as it comes: the header row stays in view, every column filters, nothing is cut.
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(header))}3"
    assert sheet.column_dimensions["A"].width >= len("synced@example.com")
    assert sheet.cell(row=1, column=1).font.bold
    assert synced["Company"] == '\'=HYPERLINK("http://evil")'  # neutralized text, not a formula
    assert synced["Salesforce Id"] == "003000000000001AAA"
    assert by_email["failed@example.com"]["Salesforce error"] == "Required fields are missing: [Company]"
    assert by_email["failed@example.com"]["Salesforce sync date"] is None


def test_csv_export_follows_the_grid_filters(client_member, event, custom_fields):
    make_people(event)
    text = export(client_member, event, "csv", sync_date="synced").decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert [row["Email"] for row in rows] == ["synced@example.com"]
    row = rows[0]
    assert row["First name"] == "Amélie" and row["Ticket type"] == "VIP"
    assert row["Salesforce sync date"] == timezone.localtime(SYNCED_AT).replace(tzinfo=None).isoformat(
        sep=" "
    )
    assert row["Salesforce sync state"] == "synced"
    assert row["Company"].startswith("'=")  # a spreadsheet shows it, it does not run it


def test_csv_export_of_failed_participants_carries_the_error(client_member, event):
    make_people(event)
    text = export(client_member, event, "csv", sync_state="failed").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["Email"], r["Salesforce error code"]) for r in rows] == [
        ("failed@example.com", "REQUIRED_FIELD_MISSING")
    ]


def test_unknown_export_format_is_404(client_member, event):
    assert (
        client_member.get(reverse("events:participant_export", args=[event.slug, "pdf"])).status_code == 404
    )
