"""A configured campaign member status renamed in Salesforce after CHECK SETUP: the batch's look-up sees it
(same Composite, no extra call), the event halts with the reason on the tile and in the participants' rows,
nothing is written with the gone status, and picking a new one on the tile then CHECK SETUP resumes."""

from django.urls import reverse

from connector import services as connector_services
from connector.setup_check import setup_check
from events.services import participant_create
from sync.models import EventSync
from tests.factories import PASSWORD
from tests.sync.conftest import campaign_id, settled, wait_until


def _rename(emulator, label, new_label):
    campaign = campaign_id(emulator)
    status = next(s for s in emulator.records("CampaignMemberStatus")
                  if s["CampaignId"] == campaign and s["Label"] == label)
    emulator.client().CampaignMemberStatus.update(status["Id"], {"Label": new_label})


def test_a_renamed_came_status_halts_the_event_and_a_new_pick_resumes_it(
    connected_event, salesforce_emulator, sync_worker, client, user
):
    event = connected_event
    _rename(salesforce_emulator, "Attended", "Checked in")
    participant = participant_create(event=event, values={
        "email": "came@example.org", "first_name": "Cam", "last_name": "Came", "has_come": True})
    halted = EventSync.objects.filter(event=event, halted_at__isnull=False)
    wait_until(halted.exists, message="the halt")
    participant.refresh_from_db()
    assert participant.salesforce_sync_state == "pending"
    assert participant.salesforce_error_code == "CAMPAIGN_MEMBER_STATUS_GONE"
    assert "“Attended”" in participant.salesforce_error_message
    assert not [m for m in salesforce_emulator.records("CampaignMember") if m["Email"] == "came@example.org"]
    by_endpoint = salesforce_emulator.stats()["by_endpoint"]
    assert by_endpoint["POST /composite"] == 1  # the look-up alone: no write Composite, no extra call
    assert not {e for e in by_endpoint if "sobjects" in e and "describe" not in e} - {
        "PATCH /sobjects/{object}/{id}"  # the rename above
    }
    client.login(username=user.username, password=PASSWORD)
    page = client.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    assert "is no longer in the Salesforce campaign" in page and "Attended" in page

    connector_services.setup_statuses_set(
        event=event, registered_status="Registered", came_status="Checked in"
    )
    assert setup_check(event=event).ok
    wait_until(settled(event), message="the sync after the new pick")
    participant.refresh_from_db()
    assert participant.salesforce_sync_state == "synced" and participant.salesforce_error_code == ""
    members = salesforce_emulator.records("CampaignMember")
    member = next(m for m in members if m["Email"] == "came@example.org")
    assert member["Status"] == "Checked in"
