"""An organizer logs in, opens the participant grid, filters on "synchronized" and exports it."""

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import event_give
from events.fields import FieldType
from events.models import Participant, SyncState
from tests.e2e.conftest import login
from tests.factories import PASSWORD, EventFactory, ParticipantFactory, ParticipantFieldFactory, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def organizer_event(transactional_db):
    user = UserFactory(username="claire")
    event = EventFactory(name="Salesforce World Tour Paris 2026", slug="world-tour-paris")
    event_give(event=event, user=user, role=Role.ADMIN)
    ParticipantFieldFactory(
        event=event,
        key="ticket",
        label="Ticket type",
        type=FieldType.SELECT_LIST,
        options=["Standard", "VIP"],
    )
    synced_at = timezone.now() - dt.timedelta(hours=2)
    for i, (first, last) in enumerate([("Amélie", "Durand"), ("Seán", "O'Connor"), ("Chloé", "Martin")]):
        ParticipantFactory(
            event=event,
            email=f"{first.lower()[:3]}{i}@example.com",
            first_name=first,
            last_name=last,
            data={"ticket": "VIP"},
            salesforce_sync_state=SyncState.SYNCED,
            salesforce_sync_date=synced_at,
        )
    ParticipantFactory(
        event=event,
        email="jp.lefevre@example.fr",
        first_name="Jean-Pierre",
        last_name="Lefèvre",
        salesforce_sync_state=SyncState.FAILED,
        salesforce_error_code="REQUIRED_FIELD_MISSING",
        salesforce_error_message="Required fields are missing: [Company]",
    )
    for i in range(6):
        ParticipantFactory(event=event, email=f"pending{i}@example.com", last_name=f"Zeta{i}")
    return user, event


def test_organizer_filters_the_grid_on_synchronized_and_exports_it(
    page, live_server, organizer_event, artifacts_dir
):
    user, event = organizer_event
    login(page, live_server, user.username, PASSWORD)
    page.click("text=Salesforce World Tour Paris 2026")
    page.wait_for_selector("#participants")
    assert "3 of 10 participants synchronized with Salesforce" in page.inner_text("#sync-summary")
    assert "REQUIRED_FIELD_MISSING" in page.inner_text("#participants")
    page.screenshot(path=str(artifacts_dir / "grid-all.png"), full_page=True)

    page.select_option("#id_sync_date", "synced")
    page.click("#grid-filters button[type=submit]")
    page.wait_for_url("**sync_date=synced**")
    rows = page.locator("#participants tbody tr")
    assert rows.count() == 3
    assert "O'Connor" in page.inner_text("#participants") and "Lefèvre" not in page.inner_text(
        "#participants"
    )
    page.screenshot(path=str(artifacts_dir / "grid-synchronized.png"), full_page=True)

    with page.expect_download() as download_info:
        page.click("text=Export .xlsx")
    download = download_info.value
    path = artifacts_dir / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert "Ticket type" in header and "Salesforce sync date" in header
    assert len(rows) == 4
    dates = {row[header.index("Salesforce sync date")] for row in rows[1:]}
    assert all(isinstance(value, dt.datetime) for value in dates)


def test_malformed_date_is_reported_next_to_the_filter(page, live_server, organizer_event, artifacts_dir):
    user, event = organizer_event
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/events/{event.slug}/participants/?sync_date=between&from_date=2026-02-30")
    error = page.locator(".filter-from_date .errorlist")
    assert "Not a valid date: use YYYY-MM-DD" in error.inner_text()
    # The date is not applied (it means nothing), the rest of the page works: all ten participants.
    assert page.locator("#participants tbody tr").count() == 10
    page.screenshot(path=str(artifacts_dir / "grid-malformed-date.png"), full_page=True)


def test_participant_form_shows_errors_inline_then_checks_in(
    page, live_server, organizer_event, artifacts_dir
):
    user, event = organizer_event
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/events/{event.slug}/participants/new/")
    page.fill("#id_email", " CHL2@Example.com")
    page.click("button:has-text('Add participant')")
    assert "Another participant of this event already has this email." in page.inner_text(".form-card")
    page.screenshot(path=str(artifacts_dir / "participant-form-errors.png"), full_page=True)
    page.fill("#id_email", "new.person@example.com")
    page.fill("#id_first_name", "Noémie")
    page.select_option("#id_ticket", "Standard")
    page.click("button:has-text('Add participant')")
    page.click("button:has-text('Check in')")
    assert "is checked in" in page.inner_text(".messages")
    page.screenshot(path=str(artifacts_dir / "participant-checked-in.png"), full_page=True)
    assert event.participants.get(email="new.person@example.com").has_come


def test_a_bad_import_file_is_refused_with_its_row_errors(
    page, live_server, organizer_event, artifacts_dir, tmp_path
):
    user, event = organizer_event
    bad = tmp_path / "participants.csv"
    bad.write_text(
        "email,first_name,Ticket type\nok@example.com,Ok,VIP\nnot-an-email,Bad,Gold\n", encoding="utf-8"
    )
    login(page, live_server, user.username, PASSWORD)
    page.click("text=Salesforce World Tour Paris 2026")
    page.click(".sidebar >> text=Import")
    page.set_input_files("#id_file", str(bad))
    page.click("button:has-text('Import')")
    errors = page.inner_text("#import-errors")
    assert "participants.csv was not imported" in errors
    assert "'Gold' is not among the options (Standard, VIP)" in errors
    page.screenshot(path=str(artifacts_dir / "import-refused.png"), full_page=True)
    assert not event.participants.filter(email="ok@example.com").exists()


def test_public_registration_then_the_participant_is_in_the_grid(
    page, live_server, organizer_event, artifacts_dir
):
    user, event = organizer_event
    page.goto(f"{live_server.url}/register/{event.slug}/")
    page.fill("#id_email", "aoife.obrien@example.ie")
    page.fill("#id_first_name", "Aoife")
    page.fill("#id_last_name", "O'Brien")
    page.select_option("#id_ticket", "VIP")
    page.screenshot(path=str(artifacts_dir / "registration.png"), full_page=True)
    page.click("button:has-text('Register')")
    assert "Thank you!" in page.inner_text("h1")
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/events/{event.slug}/participants/?q=o'brien")
    assert "aoife.obrien@example.ie" in page.inner_text("#participants")
    page.goto(f"{live_server.url}/events/{event.slug}/fields/")
    page.screenshot(path=str(artifacts_dir / "fields.png"), full_page=True)


LARGE_EXPORT = 20_000


def test_a_large_export_shows_its_progress_then_downloads_a_typed_workbook(
    page, live_server, organizer_event, celery_worker, artifacts_dir
):
    """20,000 rows: the click answers at once with a progress page, the real worker writes the file, and
    the download is a workbook people can use (typed cells, frozen header, filter)."""
    user, event = organizer_event
    Participant.objects.bulk_create(
        Participant(event=event, email=f"bulk{i}@example.org", last_name=f"Bulk{i}", is_registered=i % 2 == 0,
                    data={"ticket": "VIP"}, change_counter=1)
        for i in range(LARGE_EXPORT)
    )
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/events/{event.slug}/participants/")
    page.click("text=Export .xlsx")
    page.wait_for_url("**/exports/*/")
    assert f"{LARGE_EXPORT + 10} participants" in page.inner_text("#export-job")
    page.screenshot(path=str(artifacts_dir / "export-progress.png"), full_page=True)
    page.wait_for_selector("#export-download", timeout=120_000)
    page.screenshot(path=str(artifacts_dir / "export-ready.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("#export-download")
    path = artifacts_dir / download_info.value.suggested_filename
    download_info.value.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=False).active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.endswith(str(LARGE_EXPORT + 11))
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert len(rows) == LARGE_EXPORT + 11
    registered = {row[header.index("Registered")] for row in rows[1:]}
    assert registered == {True, False}  # booleans, not "yes"/"no" text
