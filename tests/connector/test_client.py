"""The one Salesforce client against the emulator: refresh once, and every failure in its class."""

import pytest
from django.db import connection as db

from connector.connection_client import client_for_connection
from connector.models import ConnectionHealth, SalesforceConnection
from connector.salesforce import oauth
from connector.salesforce.client import format_soql
from connector.salesforce.errors import (
    ApiLimitExceeded,
    AuthorizationRevoked,
    RequestRefused,
    TransientError,
)
from connector.services import connection_get_or_create


def _campaign_id(server, name="World Tour Paris 2026") -> str:
    return next(c["Id"] for c in server.records("Campaign") if c["Name"] == name)


def test_query_reads_records_and_api_usage_from_the_org(connected, emulator):
    client = client_for_connection(connected)
    rows = client.query(format_soql("SELECT Id, Name FROM Campaign WHERE Name = {}", "Webinar Series"))
    assert [r["Name"] for r in rows] == ["Webinar Series"]
    assert client.api_calls_made == 1
    used, total = client.api_usage
    assert used == emulator.stats()["api_calls"] and total == emulator.stats()["daily_api_limit"]


def test_expired_session_is_refreshed_once_and_the_call_retried(connected, emulator):
    old_access = connected.access_token
    emulator.set_faults(expire_sessions=True)
    client = client_for_connection(connected)
    assert client.describe("Lead")["name"] == "Lead"
    stored = SalesforceConnection.objects.get(pk=connected.pk)
    assert stored.access_token != old_access and stored.health == ConnectionHealth.CONNECTED
    assert client.api_calls_made == 2  # the refused call, then the retry


def test_a_second_client_reuses_the_token_another_one_already_refreshed(connected, emulator):
    first, second = client_for_connection(connected), client_for_connection(connected)
    emulator.set_faults(expire_sessions=True, refresh_token_rotation=True)
    first.limits()
    refreshed = SalesforceConnection.objects.get(pk=connected.pk)
    second.limits()  # its token is stale too: it must take the stored one, not refresh with a dead token
    after = SalesforceConnection.objects.get(pk=connected.pk)
    assert second.session.access_token == refreshed.access_token == after.access_token
    assert after.refresh_token == refreshed.refresh_token and after.health == ConnectionHealth.CONNECTED


def test_rotated_refresh_token_is_stored_and_the_old_one_is_dead(connected, emulator):
    old_refresh = connected.refresh_token
    emulator.set_faults(expire_sessions=True, refresh_token_rotation=True)
    client_for_connection(connected).limits()
    stored = SalesforceConnection.objects.get(pk=connected.pk)
    assert stored.refresh_token and stored.refresh_token != old_refresh
    with pytest.raises(AuthorizationRevoked):
        oauth.token_refresh(
            login_host=stored.login_host,
            client_id=stored.consumer_key,
            client_secret=stored.consumer_secret,
            refresh_token=old_refresh,
        )


def test_revoked_refresh_token_turns_the_connection_to_needs_login(connected, emulator):
    emulator.set_faults(expire_sessions=True, revoke_refresh_tokens=True)
    client = client_for_connection(connected)
    with pytest.raises(AuthorizationRevoked) as caught:
        client.query("SELECT Id FROM Campaign")
    assert caught.value.code == "invalid_grant" and caught.value.permanent
    stored = SalesforceConnection.objects.get(pk=connected.pk)
    assert stored.health == ConnectionHealth.NEEDS_LOGIN and "log in again" in stored.last_error
    with pytest.raises(AuthorizationRevoked):
        client_for_connection(stored)


@pytest.mark.parametrize("status", [503, 500])
def test_server_errors_are_transient(connected, emulator, status):
    emulator.set_faults(fail_next=1, status=status)
    with pytest.raises(TransientError) as caught:
        client_for_connection(connected).query("SELECT Id FROM Campaign")
    assert not caught.value.permanent and caught.value.status == status


def test_locked_row_is_transient(connected, emulator):
    campaign = _campaign_id(emulator)
    lead = next(r["Id"] for r in emulator.records("Lead") if r["Email"] == "jp.lefevre@example.fr")
    emulator.set_faults(lock_records=[lead])
    with pytest.raises(TransientError) as caught:
        client_for_connection(connected).create(
            "CampaignMember", {"CampaignId": campaign, "LeadId": lead, "Status": "Sent"}
        )
    assert caught.value.code == "UNABLE_TO_LOCK_ROW"


def test_a_hung_org_times_out_as_transient(connected, emulator, settings):
    settings.SALESFORCE_TIMEOUT_SECONDS = 0.5
    emulator.set_faults(timeout_next=1, timeout_seconds=3)
    with pytest.raises(TransientError):
        client_for_connection(connected).limits()


def test_daily_limit_exceeded_is_its_own_error(connected, emulator):
    emulator.set_faults(api_calls_used=emulator.stats()["daily_api_limit"])
    with pytest.raises(ApiLimitExceeded) as caught:
        client_for_connection(connected).query("SELECT Id FROM Campaign")
    assert caught.value.code == "REQUEST_LIMIT_EXCEEDED"


def test_malformed_query_is_refused_for_good(connected, emulator):
    with pytest.raises(RequestRefused) as caught:
        client_for_connection(connected).query("SELECT Id FROM Campaign WHERE")
    assert caught.value.code == "MALFORMED_QUERY" and caught.value.permanent


def test_unknown_field_is_refused_with_its_code(connected, emulator):
    with pytest.raises(RequestRefused) as caught:
        client_for_connection(connected).query("SELECT Nope__c FROM Lead")
    assert caught.value.code == "INVALID_FIELD"


def test_collections_and_composite_return_salesforce_results_in_order(connected, emulator):
    client = client_for_connection(connected)
    created = client.collection_create(
        [
            {"attributes": {"type": "Lead"}, "LastName": "Ok", "Company": "Acme", "Email": "ok@example.com"},
            {"attributes": {"type": "Lead"}, "Email": "missing@example.com"},
        ]
    )
    assert created[0]["success"] is True
    assert (
        created[1]["success"] is False and created[1]["errors"][0]["statusCode"] == "REQUIRED_FIELD_MISSING"
    )
    soql = format_soql("SELECT Id FROM Lead WHERE Email = {}", "ok@example.com")
    answers = client.composite(
        [{"method": "GET", "url": f"/services/data/v62.0/query/?q={soql}", "referenceId": "lead"}]
    )
    assert answers[0]["body"]["records"][0]["Id"] == created[0]["id"]
    updated = client.collection_update(
        [{"attributes": {"type": "Lead"}, "Id": created[0]["id"], "Title": "CTO"}]
    )
    assert updated[0]["success"] is True
    assert client.api_calls_made == 3


def test_tokens_and_secret_are_encrypted_in_the_database(connected):
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT consumer_secret, refresh_token, access_token"
            " FROM connector_salesforceconnection WHERE id = %s",
            [connected.pk],
        )
        raw = cursor.fetchone()
    clear = (connected.consumer_secret, connected.refresh_token, connected.access_token)
    assert all(clear) and all(value not in stored for value in clear for stored in raw)
    event = connected.setups.get().event
    assert connection_get_or_create(event=event).refresh_token == connected.refresh_token
