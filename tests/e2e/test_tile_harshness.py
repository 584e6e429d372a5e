"""In Chromium: the Salesforce tile offers what to do when Salesforce's duplicate rules match another record,
and says why the sync stopped when a configured campaign member status was renamed in Salesforce.

Real parts: the emulator over HTTPS, a real Celery worker that runs the batch and halts the event, the
tile's own pages in headless Chromium."""

import pytest

from connector.models import SalesforceSetup
from events.services import participant_create
from sync.models import EventSync
from tests.e2e.conftest import login
from tests.factories import PASSWORD
from tests.sync.conftest import campaign_id, connected_event, sync_worker, wait_until, worker_env  # noqa: F401

pytestmark = pytest.mark.e2e


def test_the_tile_shows_the_duplicate_rule_option_and_why_a_renamed_status_stopped_the_sync(
    emulator_page, live_server, connected_event, user, salesforce_emulator, sync_worker,  # noqa: F811
    settings, artifacts_dir
):
    event = connected_event
    settings.SITE_URL = live_server.url
    campaign = campaign_id(salesforce_emulator)
    attended = next(s for s in salesforce_emulator.records("CampaignMemberStatus")
                    if s["CampaignId"] == campaign and s["Label"] == "Attended")
    salesforce_emulator.client().CampaignMemberStatus.update(attended["Id"], {"Label": "Checked in"})
    participant_create(event=event, values={"email": "came@example.org", "first_name": "Cam",
                                            "last_name": "Came", "has_come": True})
    wait_until(EventSync.objects.filter(event=event, halted_at__isnull=False).exists, message="the halt")

    page = emulator_page
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/events/{event.slug}/integrations/")
    page.click("#salesforce-tile >> text=Open setup")
    page.wait_for_selector("#duplicate-match-action")
    legend = page.inner_text("#duplicate-match-action legend")
    assert legend == "When Salesforce's duplicate rules match another record"
    assert page.is_checked("#id_duplicate_match_action_0")  # link to the matched record: the default
    assert "Link the participant to the matched record" in page.inner_text("#duplicate-match-action")
    halted = page.inner_text("#sync-halted")
    assert "“Attended” is no longer in the Salesforce campaign" in halted and "pick another status" in halted
    page.screenshot(path=str(artifacts_dir / "tile-harshness-halted.png"), full_page=True)

    page.check("#id_duplicate_match_action_1")
    page.click("#options-form button[type=submit]")
    page.wait_for_selector("text=Options saved.")
    assert page.is_checked("#id_duplicate_match_action_1")
    assert SalesforceSetup.objects.get(event=event).duplicate_match_action == "create"
