"""The data migration of connections to accounts: an event's connection becomes a connection of the
event's account, used by that event, with the same tokens; the tile stays active and no participant is
touched (nothing is re-synced)."""

import pytest
from django.db import connection as db
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("connector", "0002_salesforcesetup_duplicate_match_action"),
    ("events", "0007_event_account_required"),
]
AFTER = [("connector", "0005_connection_account_required")]


def _migrate(targets):
    executor = MigrationExecutor(db)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_an_events_connection_becomes_its_accounts_connection_with_its_tokens_and_nothing_resynced():
    try:
        old = _migrate(BEFORE)
        Account = old.get_model("accounts", "Account")
        Event = old.get_model("events", "Event")
        event = Event.objects.create(name="Paris", slug="paris", account=Account.objects.create(slug="acme"))
        # The historical model keeps EncryptedTextField: the secrets are encrypted as the app stores them.
        old.get_model("connector", "SalesforceConnection").objects.create(
            event=event, is_active=True, consumer_key="key", consumer_secret="secret",
            refresh_token="refresh-1", access_token="access-1",
            org_id="00D000000000001", user_id="005000000000001", username="ada@acme.example",
            health="connected",
        )
        setups = old.get_model("connector", "SalesforceSetup").objects
        setups.create(event=event, campaign_id="701000000000001")
        old.get_model("events", "Participant").objects.create(
            event=event, email="ada@example.com", salesforce_sync_state="synced", change_counter=3,
            salesforce_synced_counter=3, salesforce_id="00Q000000000001",
        )

        _migrate(AFTER)
        from connector.models import SalesforceConnection, SalesforceSetup
        from events.models import Participant

        setup = SalesforceSetup.objects.get(event__slug="paris")
        connection = SalesforceConnection.objects.get()
        assert setup.is_active and setup.connection == connection and setup.campaign_id == "701000000000001"
        assert connection.account.slug == "acme" and connection.refresh_token == "refresh-1"
        assert connection.access_token == "access-1" and connection.consumer_secret == "secret"
        with db.cursor() as cursor:  # still encrypted at rest
            cursor.execute("SELECT refresh_token FROM connector_salesforceconnection")
            assert "refresh-1" not in cursor.fetchone()[0]
        assert connection.is_connected and connection.username == "ada@acme.example"
        participant = Participant.objects.get(email="ada@example.com")
        assert participant.salesforce_sync_state == "synced"
        assert participant.salesforce_synced_counter == participant.change_counter == 3
    finally:
        executor = MigrationExecutor(db)
        executor.migrate(executor.loader.graph.leaf_nodes())
