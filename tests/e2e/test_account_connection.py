"""In Chromium: an account admin connects Salesforce once on one event; an organizer of the same account
picks that connection on a second event (no key, secret or login) and sees its participants synced; a staff
member of that event sees the tile read-only. Real parts: the emulator's OAuth pages in the popup, a real
Celery worker (with beat: the sweep sends the pending participants)."""

import pytest

from accounts.models import Role
from accounts.services import event_give
from bench.emulator_login import event_setup_for_campaign
from connector.models import SalesforceConnection
from events.models import SyncState
from tests.e2e.conftest import login
from tests.e2e.test_tile import DEMO_KEY, DEMO_SECRET, tile_emulator  # noqa: F401 (fixture)
from tests.factories import PASSWORD, AccountFactory, EventFactory, ParticipantFactory, UserFactory
from tests.sync.conftest import CAMPAIGN, campaign_id, sync_worker, wait_until, worker_env  # noqa: F401

pytestmark = pytest.mark.e2e


@pytest.fixture
def account_events(transactional_db):
    account = AccountFactory(name="World Tour Events", slug="world-tour")
    paris = EventFactory(name="World Tour Paris", slug="world-tour-paris", account=account)
    webinar = EventFactory(name="Webinar Series", slug="webinar-series", account=account)
    admin, organizer = UserFactory(username="claire"), UserFactory(username="sam")
    staff = UserFactory(username="kim")
    event_give(event=paris, user=admin, role=Role.ADMIN)
    event_give(event=webinar, user=organizer, role=Role.ORGANIZER)
    event_give(event=webinar, user=staff, role=Role.STAFF)
    for n in range(4):
        ParticipantFactory(event=webinar, email=f"webinar{n}@example.org", is_registered=True)
    return {"paris": paris, "webinar": webinar, "admin": admin, "organizer": organizer, "staff": staff}


def _shot(page, artifacts_dir, name: str) -> None:
    page.screenshot(path=str(artifacts_dir / f"account-connection-{name}.png"), full_page=True)


def _admin_connects_once(page, live_server, emulator, event, artifacts_dir) -> None:
    page.goto(f"{live_server.url}/events/{event.slug}/integrations/")
    page.click("#salesforce-tile button:has-text('Activate')")
    page.wait_for_selector("#connection-form")
    page.fill("#id_consumer_key", DEMO_KEY)
    page.fill("#id_consumer_secret", DEMO_SECRET)
    page.select_option("#id_login_host", emulator.url)
    page.click("#connection-form button[type=submit]")
    page.wait_for_selector("#secret-set")
    with page.expect_popup() as popup_info:
        page.click("#salesforce-login")
    popup = popup_info.value
    popup.wait_for_selector("input[name=username]")
    popup.fill("input[name=username]", "demo@emulator.example")
    popup.fill("input[name=pw]", "demo1234")
    popup.click("#Login")
    popup.wait_for_selector("input[name=allow]")
    with popup.expect_event("close"):
        popup.click("input[name=allow]")
    page.wait_for_selector("text=Connected as demo@emulator.example")
    _shot(page, artifacts_dir, "01-admin-connected")


def test_an_organizer_reuses_the_accounts_connection_and_staff_see_the_tile_read_only(
    emulator_page, live_server, tile_emulator, account_events, sync_worker, artifacts_dir  # noqa: F811
):
    page, events = emulator_page, account_events
    webinar = events["webinar"]
    login(page, live_server, events["admin"].username, PASSWORD)
    _admin_connects_once(page, live_server, tile_emulator, events["paris"], artifacts_dir)
    connection = SalesforceConnection.objects.get()

    page.context.clear_cookies()
    login(page, live_server, events["organizer"].username, PASSWORD)
    page.goto(f"{live_server.url}/events/{webinar.slug}/integrations/")
    page.click("#salesforce-tile button:has-text('Activate')")
    page.wait_for_selector("#connection-use-form")
    assert page.query_selector("#connection-form") is None  # organizers do not connect new ones
    assert "demo@emulator.example" in page.inner_text("#connection-choice")
    _shot(page, artifacts_dir, "02-organizer-picks")
    page.click("#connection-use-form button[type=submit]")
    page.wait_for_selector("text=Connected as demo@emulator.example")
    assert SalesforceConnection.objects.count() == 1 and connection.setups.count() == 2
    # The campaign and statuses, as CHECK SETUP would leave them (the tile's own test clicks through them).
    event_setup_for_campaign(event=webinar, campaign_id=campaign_id(tile_emulator), campaign_name=CAMPAIGN)
    participants = webinar.participants
    wait_until(lambda: not participants.exclude(salesforce_sync_state=SyncState.SYNCED).exists(),
               message="the webinar's participants synced through the shared connection")
    page.goto(f"{live_server.url}/events/{webinar.slug}/participants/?sync_state=synced")
    for n in range(4):
        page.wait_for_selector(f"text=webinar{n}@example.org")
    _shot(page, artifacts_dir, "03-organizer-sees-synced")
    emails = {m.get("Email") for m in tile_emulator.records("CampaignMember")}
    assert {f"webinar{n}@example.org" for n in range(4)} <= emails

    page.context.clear_cookies()
    login(page, live_server, events["staff"].username, PASSWORD)
    page.goto(f"{live_server.url}/events/{webinar.slug}/participants/")
    page.click("#salesforce-readonly-link")
    page.wait_for_selector("#readonly-tile")
    assert "Connected as demo@emulator.example" in page.inner_text("#readonly-connection")
    assert "4 synced" in page.inner_text("#readonly-counts")
    assert page.query_selector("main form") is None and page.query_selector("text=Export .csv") is None
    _shot(page, artifacts_dir, "04-staff-read-only")
