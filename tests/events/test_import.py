"""Importing participants from CSV and XLSX: all or nothing, with a row-by-row list of problems."""

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import SyncState
from tests.factories import ParticipantFactory


def csv_file(text: str, name: str = "participants.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "participants.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, event, file):
    return client.post(reverse("events:participant_import", args=[event.slug]), {"file": file}, follow=True)


def test_a_file_with_bad_rows_is_refused_whole_with_each_problem(client_member, event, custom_fields):
    kept = ParticipantFactory(event=event, email="kept@example.com", company="Before")
    text = (
        "email,Company,sessions_count,Ticket type,sessions,arrival,booth\n"
        "kept@example.com,After,2,VIP,Keynote,2026-06-11,yes\n"
        "fine@example.com,Acme,,Standard,,,\n"
        "not-an-email,Acme,three,Gold,Keynote;Nap,11/06/2026,perhaps\n"
        ",NoMail,,,,,\n"
        "FINE@example.com,Dup,,,,,\n"
    )
    response = upload(client_member, event, csv_file(text))
    page = response.content.decode()
    assert "participants.csv was not imported" in page
    expected = [
        ("4", "sessions_count", "expected a number, got &#x27;three&#x27;"),
        ("4", "Ticket type", "&#x27;Gold&#x27; is not among the options (Standard, VIP)"),
        ("4", "sessions", "Nap not among the options"),
        ("4", "arrival", "expected a date as YYYY-MM-DD"),
        ("4", "booth", "expected yes or no"),
        ("4", "Email", "&#x27;not-an-email&#x27; is not a valid email address"),
        ("5", "Email", "the email is required"),
        ("6", "Email", "FINE@example.com is already on row 3"),
    ]
    for row, column, reason in expected:
        assert f'<td class="num">{row}</td><td>{column}</td><td>{reason}' in page, (row, column, reason)
    assert event.participants.count() == 1
    kept.refresh_from_db()
    assert kept.company == "Before"


def test_an_unknown_column_is_refused_before_reading_rows(client_member, event):
    page = upload(client_member, event, csv_file("email,Shoe size\na@example.com,44\n")).content.decode()
    assert "unknown column: not a field key or label of this event" in page
    assert not event.participants.exists()


def test_a_file_without_email_column_is_refused(client_member, event):
    page = upload(client_member, event, csv_file("first_name\nAna\n")).content.decode()
    assert "the file needs an email column" in page


def test_an_unreadable_xlsx_is_refused_with_a_message(client_member, event):
    page = upload(client_member, event, SimpleUploadedFile("x.xlsx", b"not a zip")).content.decode()
    assert "This is not a readable .xlsx file." in page


def test_xlsx_with_labels_creates_and_updates_by_email(client_member, event, custom_fields):
    existing = ParticipantFactory(
        event=event, email="Ana@Example.com", salesforce_sync_state=SyncState.SYNCED
    )
    file = xlsx_file(
        [
            [
                "Email",
                "First name",
                "Sessions attended",
                "Sessions",
                "Arrival date",
                "Newsletter",
                "Visited booth",
            ],
            ["ana@example.com", "Ana", 4, "keynote; Workshop, hands-on", None, "", True],
            ["leo@example.fr", "Léo", 2.0, "", "2026-06-12", "no", "x"],
        ]
    )
    page = upload(client_member, event, file).content.decode()
    assert "1 participant(s) created, 1 updated" in page
    existing.refresh_from_db()
    assert existing.first_name == "Ana" and existing.salesforce_sync_state == SyncState.PENDING
    assert existing.data == {
        "sessions_count": 4,
        "sessions": ["Keynote", "Workshop, hands-on"],
        "arrival": None,
        "newsletter": None,
        "booth": True,
    }
    leo = event.participants.get(email="leo@example.fr")
    assert leo.first_name == "Léo"
    assert leo.data["sessions_count"] == 2 and leo.data["newsletter"] is False and leo.data["booth"] is True


def test_semicolon_csv_from_excel_is_read(client_member, event):
    text = "\ufeffemail;first_name;company\nzoe@example.com;Zoé;Crème, Café & Co\n"
    upload(client_member, event, csv_file(text))
    assert event.participants.get().company == "Crème, Café & Co"


def test_ten_thousand_rows_import_in_one_go(client_member, event, custom_fields):
    lines = ["email,first_name,last_name,company,sessions_count,ticket"]
    lines += [f"person{i}@example.com,Prénom{i},O'Nom{i},Société {i % 50},{i % 7},VIP" for i in range(10_000)]
    page = upload(client_member, event, csv_file("\n".join(lines))).content.decode()
    assert "10000 participant(s) created, 0 updated" in page
    assert event.participants.count() == 10_000
    assert (
        event.participants.filter(salesforce_sync_state=SyncState.PENDING, change_counter=1).count() == 10_000
    )
    assert event.participants.get(email="person9999@example.com").data == {
        "sessions_count": 9999 % 7,
        "ticket": "VIP",
    }


def test_an_exported_file_imports_back_unchanged(client_member, event, custom_fields):
    ParticipantFactory(
        event=event,
        email="round@example.com",
        company="=cmd",
        data={"sessions": ["Keynote"], "arrival": "2026-06-11", "booth": True, "sessions_count": 2},
        salesforce_sync_state=SyncState.FAILED,
        salesforce_error_message="boom",
    )
    export = client_member.get(reverse("events:participant_export", args=[event.slug, "xlsx"]))
    file = SimpleUploadedFile("export.xlsx", b"".join(export.streaming_content))
    page = upload(client_member, event, file).content.decode()
    assert "0 participant(s) created, 0 updated, 1 unchanged" in page
    participant = event.participants.get()
    assert participant.company == "=cmd" and participant.change_counter == 0
    assert participant.salesforce_sync_state == SyncState.FAILED  # nothing queued for Salesforce
    assert participant.data["sessions"] == ["Keynote"] and participant.data["arrival"] == "2026-06-11"
    assert participant.data["sessions_count"] == 2 and participant.data["booth"] is True
