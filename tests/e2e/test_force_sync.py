"""An organizer clicks FORCE SYNCHRONIZATION in Chromium, watches the progress bar reach the end and the run
appear in the history, then finds every participant with a sync date in the grid and in the emulator.

Real parts: the emulator over HTTPS (connected through its real OAuth flow), a real Celery worker subprocess
on the test database and Redis, htmx polling the progress in the browser."""

import time
from collections import Counter

import pytest
import requests
from django.utils import timezone

from events.services import participant_check_in
from sync.models import RunState, SyncRun, SyncTrigger
from tests.celery_worker import start_worker
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.sync.conftest import add_participants, connected_event  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

REGISTERED, CAME = 250, 50
TOTAL = REGISTERED + CAME
# Each API call waits this long in the emulator, so that the run spans several polls of the progress bar.
LATENCY_MS = 1500


@pytest.fixture
def worker_env(salesforce_emulator_server):
    return {
        "SALESFORCE_CA_BUNDLE": str(salesforce_emulator_server.ca_path),
        "SYNC_PAUSE_SECONDS": "3",
        "SYNC_SWEEP_SECONDS": "2",
        "SALESFORCE_TIMEOUT_SECONDS": "10",
    }


@pytest.fixture
def worker_starter(transactional_db, redis_url, celery_queue, tmp_path, worker_env, artifacts_dir, request):
    """Starts the worker when the test says so: until then the FORCE SYNCHRONIZATION click only queues its
    work, which makes "a second click while the run is active" observable without any race."""
    started = []

    def start():
        worker = start_worker(redis_url=redis_url, queue=celery_queue, log_path=tmp_path / "worker.log",
                              extra_env=worker_env, beat=True)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
        (artifacts_dir / "force-sync-worker.log").write_text(worker.log())


@pytest.fixture
def organizer_event(connected_event, user, salesforce_emulator, live_server, settings):  # noqa: F811
    settings.SALESFORCE_CA_BUNDLE = str(salesforce_emulator.ca_path)
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = [salesforce_emulator.url]
    settings.SITE_URL = live_server.url
    add_participants(connected_event, REGISTERED)
    add_participants(connected_event, CAME, start=REGISTERED, has_come=True)
    return user, connected_event


def _shot(page, artifacts_dir, name: str, full_page: bool = True) -> None:
    page.screenshot(path=str(artifacts_dir / f"force-sync-{name}.png"), full_page=full_page)


def _bar(page) -> int | None:
    """The percentage the progress bar shows, None once no force run is active any more."""
    bar = page.query_selector("#sync-progress-bar")
    return int(bar.get_attribute("aria-valuenow")) if bar else None


def test_force_synchronization_fills_the_progress_bar_then_every_participant_has_a_sync_date(
    emulator_page, live_server, organizer_event, salesforce_emulator, worker_starter, artifacts_dir
):
    page = emulator_page
    user, event = organizer_event
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/events/{event.slug}/integrations/")
    assert "Setup valid" in page.inner_text("#salesforce-state")
    page.click("#salesforce-tile >> text=Open setup")
    page.wait_for_selector("#tile-state >> text=Setup valid")
    assert f"{TOTAL} participants" in page.inner_text("#api-estimate")
    assert "No synchronization yet." in page.inner_text("#sync-progress")
    _shot(page, artifacts_dir, "01-before")

    # The click queues the run; no worker runs yet, so the run is active and at 0 %.
    salesforce_emulator.set_faults(latency_ms=LATENCY_MS)
    page.click("#force-sync-button")
    page.wait_for_selector(f"text=Force synchronization started for {TOTAL} participants.")
    assert "Force synchronization running" in page.inner_text("#sync-progress")
    assert _bar(page) == 0
    assert f"0 / {TOTAL} participants" in page.inner_text("#sync-progress-counts")
    _shot(page, artifacts_dir, "02-started")

    # A second click while it is active starts nothing new.
    page.click("#force-sync-button")
    page.wait_for_selector("text=A force synchronization is already running: nothing new was started.")
    assert SyncRun.objects.filter(event=event, trigger=SyncTrigger.FORCE).count() == 1
    _shot(page, artifacts_dir, "03-second-click")

    # The worker starts: htmx polls the progress until the run is over.
    worker_starter()
    seen: list[int] = []
    deadline = time.monotonic() + 240
    while (value := _bar(page)) is not None:
        if not seen or seen[-1] != value:
            seen.append(value)
            if 0 < value < 100:
                _shot(page, artifacts_dir, f"04-progress-{value:03d}")
        assert time.monotonic() < deadline, f"the run did not finish; the bar showed {seen}"
        page.wait_for_timeout(250)
    assert seen == sorted(seen), f"the progress bar went backwards: {seen}"
    page.wait_for_selector("#sync-last-run")
    assert f"{TOTAL} participants · none failed" in page.inner_text("#sync-last-run")
    _shot(page, artifacts_dir, "05-done")

    run = SyncRun.objects.get(event=event, trigger=SyncTrigger.FORCE)
    assert run.state == RunState.FINISHED and run.failures == 0
    assert run.created_leads == TOTAL and run.members_created == TOTAL
    row = page.locator("#sync-runs tbody tr").first.locator("td").all_inner_texts()
    trigger, end, calls = row[0], row[2], row[9]
    assert trigger.startswith("Force") and end.strip() and "running" not in end
    # Created Leads, created Contacts, updated records, memberships created, memberships updated, failures
    assert row[3:9] == [str(TOTAL), "0", "0", str(TOTAL), "0", "0"]
    assert int(calls) == run.api_calls > 0

    # The grid, filtered on the sync date: synchronized, between today and today.
    page.click(".sidebar >> text=Participants")
    page.wait_for_selector("#participants")
    assert f"{TOTAL} of {TOTAL} participants synchronized with Salesforce" in page.inner_text("#sync-summary")
    page.select_option("#id_sync_date", "synced")
    page.click("#grid-filters button[type=submit]")
    page.wait_for_url("**sync_date=synced**")
    assert page.inner_text(".result-count").startswith(f"{TOTAL} participants match")
    today = timezone.localdate().isoformat()
    page.select_option("#id_sync_date", "between")
    page.fill("#id_from_date", today)
    page.fill("#id_to_date", today)
    page.click("#grid-filters button[type=submit]")
    page.wait_for_url(f"**to_date={today}**")
    _shot(page, artifacts_dir, "06-grid-synchronized-today")
    assert page.inner_text(".result-count").startswith(f"{TOTAL} participants match")
    emails = set()
    while True:
        for row in page.locator("#participants tbody tr").all():
            cells = row.locator("td").all_inner_texts()
            assert cells[6].startswith(today), cells
            emails.add(cells[1])
        following = page.locator(".pagination >> text=Next ›")
        if not following.count():
            break
        following.click()
        page.wait_for_load_state()
    assert emails == {f"person{i}@example.org" for i in range(TOTAL)}

    # Salesforce holds them: one Lead and one campaign membership each, with the right status.
    answer = requests.get(
        f"{salesforce_emulator.url}/__emulator__/records/CampaignMember",
        verify=str(salesforce_emulator.ca_path), timeout=10,
    )
    answer.raise_for_status()
    leads = salesforce_emulator.records("Lead")
    ours = {lead["Id"]: lead["Email"] for lead in leads if lead["Email"] in emails}
    assert set(ours.values()) == emails
    members = [m for m in answer.json() if m.get("LeadId") in ours]  # the demo org has members of its own
    assert len({m["LeadId"] for m in members}) == len(members) == TOTAL
    assert Counter(m["Status"] for m in members) == {"Registered": REGISTERED, "Attended": CAME}
    salesforce_emulator.set_faults(latency_ms=0)
    page.goto(f"{salesforce_emulator.url}/")
    page.wait_for_selector("text=person299@example.org")
    _shot(page, artifacts_dir, "07-emulator-page", full_page=False)  # the whole org is ~15,000 px high


def test_live_changes_show_on_the_grid_and_in_the_history_without_reloading(
    emulator_page, live_server, organizer_event, worker_starter, artifacts_dir
):
    """No FORCE click: the worker's sweep sends the pending participants as a live run, and the pages that
    are already open follow it (htmx polling), with no reload by the organizer."""
    page = emulator_page
    user, event = organizer_event
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/events/{event.slug}/participants/")
    assert f"0 of {TOTAL} participants synchronized with Salesforce · {TOTAL} pending" in page.inner_text(
        "#sync-summary"
    )
    first_row_badge = page.locator("#participants tbody tr").first.locator(".badge")
    assert first_row_badge.inner_text() == "Pending"
    loaded_at = page.evaluate("performance.timeOrigin")

    worker_starter()
    page.wait_for_selector(
        f"#sync-summary >> text={TOTAL} of {TOTAL} participants synchronized with Salesforce", timeout=120_000
    )
    assert "pending" not in page.inner_text("#sync-summary")
    assert page.locator("#participants tbody tr").first.locator(".badge").inner_text() == "Synced"
    assert page.evaluate("performance.timeOrigin") == loaded_at  # the same page: nothing was reloaded
    page.screenshot(path=str(artifacts_dir / "live-grid-synchronized.png"), full_page=True)

    page.goto(f"{live_server.url}/events/{event.slug}/integrations/salesforce/")
    runs_before = page.locator("#sync-runs tbody tr").count()
    participant_check_in(participant=event.participants.get(email="person0@example.org"))  # a live change
    deadline = time.monotonic() + 60  # (no page.wait_for_function: the CSP forbids its string eval)
    while page.locator("#sync-runs tbody tr").count() <= runs_before:
        assert time.monotonic() < deadline, "the history did not grow"
        page.wait_for_timeout(500)
    page.screenshot(path=str(artifacts_dir / "live-history-grew.png"), full_page=True)


def test_disconnect_asks_first_and_a_no_keeps_the_connection(emulator_page, live_server, organizer_event):
    page = emulator_page
    user, event = organizer_event
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/events/{event.slug}/integrations/salesforce/")
    questions = []

    def answer(dialog, accept):
        questions.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.click("#connection-status button:has-text('Disconnect')")
    page.wait_for_timeout(500)
    assert "Nothing more is sent to Salesforce for this event" in questions[0]
    assert "Connected as" in page.inner_text("#connection-status")
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.click("#connection-status button:has-text('Disconnect')")
    page.wait_for_selector("#connection-status >> text=Not connected")


def test_at_1280_px_the_grid_and_the_history_fit_their_cards(
    emulator_page, live_server, organizer_event, worker_starter, artifacts_dir
):
    page = emulator_page
    page.set_viewport_size({"width": 1280, "height": 900})
    user, event = organizer_event
    login(page, live_server, user.username, PASSWORD)
    worker_starter()
    page.goto(f"{live_server.url}/events/{event.slug}/participants/")
    page.wait_for_selector(f"#sync-summary >> text={TOTAL} of {TOTAL}", timeout=120_000)
    page.screenshot(path=str(artifacts_dir / "grid-1280.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280  # nothing runs past the page
    page.goto(f"{live_server.url}/events/{event.slug}/integrations/salesforce/")
    page.wait_for_selector("#sync-runs")
    page.screenshot(path=str(artifacts_dir / "tile-1280.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    card = page.locator("#sync-progress").bounding_box()
    last_heading = page.locator("#sync-runs th").last.bounding_box()
    assert last_heading["x"] + last_heading["width"] <= card["x"] + card["width"]  # the last column shows
