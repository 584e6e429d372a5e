"""One connection of the account serves many events: six events sync through it, and when Salesforce
expires its session all six keep syncing after a single refresh (one refresh at a time per connection)."""

from accounts.models import Role
from accounts.services import event_give
from bench.emulator_login import event_setup_for_campaign
from connector import services
from connector.models import ConnectionHealth, SalesforceConnection
from sync.services import force_sync_start
from tests.factories import EventFactory
from tests.sync.conftest import (
    CAMPAIGN,
    add_participants,
    campaign_id,
    duplicates,
    settled,
    states,
    wait_until,
)

EVENTS = 6
PER_EVENT = 30


def _refreshes(emulator) -> int:
    """Refresh grants Salesforce answered: with rotation on, each one revokes the refresh token it used."""
    return sum(1 for grant in emulator.emulator.oauth.refresh_tokens.values() if grant.revoked)


def test_six_events_of_one_account_sync_through_one_connection_and_survive_an_expired_session(
    connected_event, salesforce_emulator, sync_worker, user
):
    emulator = salesforce_emulator
    emulator.set_faults(refresh_token_rotation=True)
    connection = SalesforceConnection.objects.get(setups__event=connected_event)
    events = [connected_event]
    for _ in range(EVENTS - 1):
        event = EventFactory(account=connected_event.account)
        event_give(event=event, user=user, role=Role.ORGANIZER)
        services.connection_set_active(event=event, active=True)
        services.event_connection_use(event=event, connection_id=connection.pk)
        event_setup_for_campaign(event=event, campaign_id=campaign_id(emulator), campaign_name=CAMPAIGN,
                                 allow_creating_leads=True)
        events.append(event)
    assert SalesforceConnection.objects.filter(account=connected_event.account).count() == 1
    for n, event in enumerate(events):
        add_participants(event, PER_EVENT, start=n * 1000)
        force_sync_start(event=event)
    for event in events:
        wait_until(settled(event), message=f"the first sync of {event.slug}")
        assert states(event) == {"synced": PER_EVENT}

    emulator.set_faults(expire_sessions=True)
    before = _refreshes(emulator)
    for n, event in enumerate(events):
        add_participants(event, PER_EVENT, start=n * 1000 + 500)
        force_sync_start(event=event)
    for event in events:
        wait_until(settled(event), message=f"the sync of {event.slug} after the session expired")
        assert states(event) == {"synced": 2 * PER_EVENT}
    assert _refreshes(emulator) - before == 1
    connection.refresh_from_db()
    assert connection.health == ConnectionHealth.CONNECTED
    assert duplicates(emulator) == 0
