"""An organizer clicks through the whole Salesforce tile in Chromium, against the emulator's real pages."""

import json

import pytest

from accounts.models import Role
from accounts.services import event_give
from connector.models import SalesforceConnection, SalesforceSetup
from events.fields import FieldType
from tests.e2e.conftest import login
from tests.factories import PASSWORD, EventFactory, ParticipantFactory, ParticipantFieldFactory, UserFactory

pytestmark = pytest.mark.e2e

DEMO_KEY, DEMO_SECRET = "demo-consumer-key", "demo-consumer-secret"
RED = "rgb(194, 57, 52)"  # --red of app.css


@pytest.fixture
def tile_emulator(salesforce_emulator, live_server, settings):
    """The emulator trusted by the back-office, allowed as a login host, with live_server's callback URL."""
    settings.SALESFORCE_CA_BUNDLE = str(salesforce_emulator.ca_path)
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = [salesforce_emulator.url]
    settings.SITE_URL = live_server.url
    salesforce_emulator.org.add_app(DEMO_KEY, DEMO_SECRET, [f"{live_server.url}/salesforce/oauth/callback/"])
    return salesforce_emulator


@pytest.fixture
def organizer_event(transactional_db):
    user = UserFactory(username="claire")
    event = EventFactory(name="World Tour Paris", slug="world-tour-paris")
    event_give(event=event, user=user, role=Role.ADMIN)
    ParticipantFieldFactory(event=event, key="diet", label="Diet", type=FieldType.TEXT)
    ParticipantFieldFactory(event=event, key="score", label="Score", type=FieldType.NUMBER)
    ParticipantFactory.create_batch(5, event=event)
    return user, event


def _shot(page, artifacts_dir, name: str) -> None:
    page.screenshot(path=str(artifacts_dir / f"tile-{name}.png"), full_page=True)


def test_organizer_sets_up_the_salesforce_tile_end_to_end(
    emulator_page, live_server, tile_emulator, organizer_event, artifacts_dir
):
    page = emulator_page
    user, event = organizer_event
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/events/{event.slug}/integrations/")
    page.wait_for_selector("#salesforce-tile >> text=Not activated")
    _shot(page, artifacts_dir, "01-integrations")

    # Activate: the setup screen opens.
    page.click("#salesforce-tile button:has-text('Activate')")
    page.wait_for_selector("#connection-form")
    page.fill("#id_consumer_key", DEMO_KEY)
    page.fill("#id_consumer_secret", DEMO_SECRET)
    page.select_option("#id_login_host", tile_emulator.url)
    page.click("#connection-form button[type=submit]")
    page.wait_for_selector("#secret-set")
    assert page.input_value("#id_consumer_secret") == ""  # write-only: never sent back
    _shot(page, artifacts_dir, "02-connected-app-saved")

    # SALESFORCE LOGIN: a popup with the emulator's login and approval pages.
    with page.expect_popup() as popup_info:
        page.click("#salesforce-login")
    popup = popup_info.value
    popup.wait_for_selector("input[name=username]")
    popup.fill("input[name=username]", "demo@emulator.example")
    popup.fill("input[name=pw]", "demo1234")
    _shot(popup, artifacts_dir, "03-popup-login")
    popup.click("#Login")
    popup.wait_for_selector("input[name=allow]")
    _shot(popup, artifacts_dir, "04-popup-approval")
    with popup.expect_event("close"):
        popup.click("input[name=allow]")
    page.wait_for_selector("text=Connected as demo@emulator.example")
    org_id = SalesforceConnection.objects.get(setups__event=event).org_id
    assert f"Connected as demo@emulator.example ({org_id})" in page.inner_text("#connection-status")
    _shot(page, artifacts_dir, "05-connected")

    # The campaign, mistyped: red border and a hint; fixed through the hint.
    page.fill("#id_campaign_name", "world tour paris 2026")
    page.wait_for_selector('#campaign-check[data-valid="false"]')
    assert page.eval_on_selector("#id_campaign_name", "e => getComputedStyle(e).borderTopColor") == RED
    assert "Did you mean" in page.inner_text("#campaign-check")
    _shot(page, artifacts_dir, "06-campaign-mistyped")
    page.fill("#id_campaign_name", "World Tour Pari 2026")  # a real typo: a hint too
    page.wait_for_selector("#campaign-check [data-campaign-name='World Tour Paris 2026']")
    page.click("[data-campaign-name='World Tour Paris 2026']")  # one click: chosen and saved
    page.wait_for_selector("text=Saved: “World Tour Paris 2026”")
    assert page.eval_on_selector("#id_campaign_name", "e => getComputedStyle(e).borderTopColor") != RED

    # CHECK SETUP before the statuses are chosen: errors in red, FORCE SYNCHRONIZATION disabled.
    page.click("#check-setup-button")
    page.wait_for_selector("#setup-check-result .errorlist li")
    assert "No campaign member status is chosen" in page.inner_text("#setup-check-result")
    assert page.is_disabled("#force-sync-button")
    _shot(page, artifacts_dir, "07-check-errors")

    # Statuses from the campaign.
    page.wait_for_selector("#id_registered_status")
    page.select_option("#id_registered_status", "Registered")
    page.select_option("#id_came_status", "Attended")
    page.click("#statuses button:has-text('Save statuses')")
    page.wait_for_selector("text=Statuses saved.")

    # A mapping with three different mistakes: three messages, next to their keys.
    page.fill("#id_lead", json.dumps({"nope": "Title", "diet": "No_Such__c", "score": "Diet__c"}, indent=2))
    page.wait_for_selector("#mapping-lead-check .errorlist li >> nth=2")
    messages = page.inner_text("#mapping-lead-check")
    assert "Unknown participant field “nope”" in messages
    assert "No field No_Such__c on Lead" in messages
    assert "Number participant fields go into Number fields; Diet__c is a Text field" in messages
    assert page.eval_on_selector("#id_lead", "e => getComputedStyle(e).borderTopColor") == RED
    _shot(page, artifacts_dir, "08-mapping-three-mistakes")
    page.fill(
        "#id_lead", json.dumps({"diet": "Diet__c", "score": "Score__c", "job_title": "Title"}, indent=2)
    )
    page.wait_for_selector('#mapping-lead-check[data-valid="true"]')
    page.click("#mappings-form button[type=submit]")
    page.wait_for_selector("text=Mappings saved.")
    assert SalesforceSetup.objects.get(event=event).lead_mapping["score"] == "Score__c"

    # CHECK SETUP again: valid, and FORCE SYNCHRONIZATION is enabled.
    page.click("#check-setup-button")
    page.wait_for_selector("#setup-check-result >> text=The setup is valid.")
    assert page.is_enabled("#force-sync-button")
    assert "5 participants" in page.inner_text("#api-estimate")
    _shot(page, artifacts_dir, "09-check-valid")

    page.goto(f"{live_server.url}/events/{event.slug}/integrations/")
    assert "Setup valid" in page.inner_text("#salesforce-tile")
    _shot(page, artifacts_dir, "10-tile-valid")
