"""Writes of the connector: activating the tile, connecting through OAuth, and the organizer's setup."""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from connector.campaigns import CampaignLookup, campaign_find_by_name
from connector.connection_client import client_for_connection
from connector.describe_cache import describes_fetch
from connector.mapped_objects import MAPPED_OBJECT_NAMES, mapped_object
from connector.mapping_validation import MappingReport, mapping_validate
from connector.models import ConnectionHealth, DuplicateMatchAction, SalesforceConnection, SalesforceSetup
from connector.salesforce import oauth
from connector.salesforce.errors import AuthorizationRevoked, RequestRefused, SalesforceError, TransientError
from connector.signals import setup_needs_check, sync_may_resume
from events.models import Event
from events.selectors import event_fields

logger = logging.getLogger(__name__)


class SetupError(Exception):
    """A setup action the organizer must correct; the message is shown on the tile."""


def connection_get_or_create(*, event: Event) -> SalesforceConnection:
    """The connection the event uses; a new, blank connection of the event's account when it has none."""
    setup = setup_get_or_create(event=event)
    if setup.connection is None:
        setup.connection = SalesforceConnection.objects.create(account_id=event.account_id)
        setup.save(update_fields=["connection", "updated_at"])
    return setup.connection


def event_connection_use(*, event: Event, connection_id: int) -> SalesforceConnection:
    """Have the event sync through another connection of its account. Its setup stays; it is checked
    again against that connection's org before anything is sent."""
    connection = SalesforceConnection.objects.filter(pk=connection_id, account_id=event.account_id).first()
    if connection is None:
        raise SetupError("Choose one of this account's Salesforce connections.")
    setup = setup_get_or_create(event=event)
    if setup.connection_id != connection.pk:
        setup.connection = connection
        _setup_changed(setup, ["connection"])
        _notify_sync(event)
    return connection


def setup_get_or_create(*, event: Event) -> SalesforceSetup:
    setup, _ = SalesforceSetup.objects.get_or_create(event=event)
    return setup


def connection_set_active(*, event: Event, active: bool) -> SalesforceSetup:
    """Activate or deactivate the event's tile. Deactivating stops all sync (the engine checks is_active)
    and keeps the configuration, so reactivating resumes where the organizer left off."""
    setup = setup_get_or_create(event=event)
    setup.is_active = active
    setup.save(update_fields=["is_active", "updated_at"])
    if active:
        _notify_sync(event)
    return setup


def _notify_sync(event: Event) -> None:
    # Participants that changed while the tile was off are still pending: let the sync pick them up.
    transaction.on_commit(lambda: sync_may_resume.send(sender=SalesforceSetup, event_id=event.pk))


def _forget_tokens(connection: SalesforceConnection) -> None:
    connection.access_token = ""
    connection.refresh_token = ""
    connection.instance_url = ""
    connection.org_id = ""
    connection.user_id = ""
    connection.username = ""
    connection.health = ConnectionHealth.NOT_CONNECTED
    connection.connected_at = None


# Bare @sensitive_variables(): every local hidden, here and in the frames below (the ORM's hold clear values).
@sensitive_variables()
def connection_credentials_set(
    *, event: Event, consumer_key: str, consumer_secret: str, login_host: str
) -> SalesforceConnection:
    """Store the connected app's key, secret (write-only: blank keeps the stored one) and login host.

    Another app or login host cannot use the current tokens: the connection then needs a new login."""
    connection = connection_get_or_create(event=event)
    consumer_key, consumer_secret = consumer_key.strip(), consumer_secret.strip()
    login_host = oauth.login_host_validate(login_host)
    changed_app = connection.consumer_key != consumer_key or connection.login_host != login_host
    connection.consumer_key = consumer_key
    connection.login_host = login_host
    if consumer_secret:
        connection.consumer_secret = consumer_secret
    if changed_app and connection.refresh_token:
        _forget_tokens(connection)
    connection.last_error = ""
    connection.save()
    return connection


def callback_url() -> str:
    """The exact callback URL registered in the connected app: fixed, not derived from the request."""
    return settings.SITE_URL.rstrip("/") + reverse("connector:oauth_callback")


def connection_login_start(*, event: Event, session: MutableMapping[str, Any]) -> str:
    """The Salesforce authorize URL for a new login; its state and PKCE verifier stay in the session."""
    connection = connection_get_or_create(event=event)
    if not connection.consumer_key or not connection.consumer_secret:
        raise SetupError("Enter the Consumer Key and Consumer Secret first.")
    login = oauth.pending_login_add(session, event_id=event.pk, redirect_uri=callback_url())
    return oauth.authorization_url(
        login_host=connection.login_host, client_id=connection.consumer_key, login=login
    )


@dataclass(frozen=True)
class LoginOutcome:
    ok: bool
    message: str


LOGIN_ERRORS = {
    "invalid_grant": "The login code expired or was already used. Click SALESFORCE LOGIN again.",
    "invalid_client": "Salesforce refused the Consumer Key or Consumer Secret. Check them and log in again.",
    "invalid_client_id": "Salesforce does not know this Consumer Key. Check it and log in again.",
    "invalid_request": "Salesforce refused the login request (PKCE check failed). Log in again.",
    "redirect_uri_mismatch": "The connected app's callback URL does not match this back-office's.",
    oauth.UNTRUSTED_HOST: "Salesforce's answer points outside salesforce.com and force.com ({detail}): "
    "not connected. Check the login host.",
}


def connection_login_fail(*, event: Event, message: str) -> LoginOutcome:
    connections = SalesforceConnection.objects.filter(setups__event=event)
    connections.update(last_error=message, updated_at=timezone.now())
    return LoginOutcome(False, message)


@sensitive_variables()
def connection_login_complete(*, event: Event, login: oauth.PendingLogin, code: str) -> LoginOutcome:
    """Trade the code for tokens, fetch the identity, store it all (tokens encrypted). Nothing is stored
    unless every step succeeded."""
    connection = connection_get_or_create(event=event)
    try:
        token = oauth.token_exchange(
            login_host=connection.login_host,
            client_id=connection.consumer_key,
            client_secret=connection.consumer_secret,
            login=login,
            code=code,
        )
        identity = oauth.identity_fetch(identity_url=token.identity_url, access_token=token.access_token)
    except TransientError as exc:
        return connection_login_fail(
            event=event, message=f"Salesforce did not answer ({exc.code}). Try again."
        )
    except SalesforceError as exc:
        logger.info("Salesforce refused the login of event %s: %s", event.pk, exc.code)
        message = LOGIN_ERRORS.get(exc.code, "Salesforce refused the login ({code}).")
        message = message.format(code=exc.code, detail=exc.message)
        return connection_login_fail(event=event, message=message)
    connection = _same_user_connection(connection, org_id=identity.org_id, user_id=identity.user_id)
    connection.access_token = token.access_token
    connection.refresh_token = token.refresh_token
    connection.instance_url = token.instance_url
    connection.org_id = identity.org_id
    connection.user_id = identity.user_id
    connection.username = identity.username
    connection.health = ConnectionHealth.CONNECTED
    connection.last_error = ""
    connection.connected_at = timezone.now()
    connection.save()
    _notify_sync(event)
    return LoginOutcome(True, f"Connected as {identity.username} ({identity.org_id}).")


def _same_user_connection(
    connection: SalesforceConnection, *, org_id: str, user_id: str
) -> SalesforceConnection:
    """The account's connection as this Salesforce user of this org, when it has one already: the new login
    goes there (its events follow) and the blank connection the login started from goes away."""
    existing = (
        SalesforceConnection.objects.filter(account_id=connection.account_id, org_id=org_id, user_id=user_id)
        .exclude(pk=connection.pk)
        .first()
    )
    if existing is None:
        return connection
    SalesforceSetup.objects.filter(connection=connection).update(connection=existing)
    existing.consumer_key, existing.login_host = connection.consumer_key, connection.login_host
    existing.consumer_secret = connection.consumer_secret
    connection.delete()
    return existing


def connection_disconnect(*, event: Event) -> str:
    """Disconnect the connection the event uses (every event using it stops: see `connection_cut`)."""
    return connection_cut(connection=connection_get_or_create(event=event))


@sensitive_variables()
def connection_cut(*, connection: SalesforceConnection) -> str:
    """Revoke the tokens in Salesforce and forget them here: every event using the connection stops sending
    until an admin logs in again. Returns a warning when revoking failed (the tokens are forgotten all the
    same: the admin asked to cut the link)."""
    warning = ""
    if connection.refresh_token:
        try:
            oauth.token_revoke(login_host=connection.login_host, token=connection.refresh_token)
        except SalesforceError as exc:
            warning = (
                f"Salesforce could not be told to revoke the tokens ({exc.code}); they are forgotten here."
            )
    _forget_tokens(connection)
    connection.last_error = ""
    connection.save()
    return warning


def _setup_changed(setup: SalesforceSetup, fields: list[str], *, needs_check: bool = True) -> None:
    """Save the changed settings. A change CHECK SETUP verifies against the org (campaign, statuses,
    mappings) invalidates the last check: the sync waits for a new one, which runs by itself a moment later
    (connector.setup_recheck). Options need no check: the sync goes on with them at once."""
    if not needs_check:
        setup.save(update_fields=[*fields, "updated_at"])
        return
    setup.last_check_ok = None
    setup.save(update_fields=[*fields, "last_check_ok", "updated_at"])
    transaction.on_commit(lambda: setup_needs_check.send(sender=SalesforceSetup, setup=setup))


def setup_campaign_set(*, event: Event, campaign_name: str, campaign_id: str) -> SalesforceSetup:
    setup = setup_get_or_create(event=event)
    if campaign_id != setup.campaign_id:
        setup.registered_status = setup.came_status = ""
    setup.campaign_name = campaign_name
    setup.campaign_id = campaign_id
    _setup_changed(setup, ["campaign_name", "campaign_id", "registered_status", "came_status"])
    return setup


@dataclass(frozen=True)
class CampaignChoice:
    lookup: CampaignLookup
    campaign_id: str  # "" while the name does not designate one campaign

    @property
    def error(self) -> str:
        if self.campaign_id:
            return ""
        return "Choose one by Id." if self.lookup.matches else self.lookup.message


def setup_campaign_resolve(*, event: Event, campaign_name: str, chosen_id: str = "") -> CampaignChoice:
    """Find the campaign by name (one API call) and save it when the name designates exactly one, or when
    several share it and `chosen_id` is one of them. Raises SalesforceError when the org cannot answer."""
    client = client_for_connection(connection_get_or_create(event=event))
    lookup = campaign_find_by_name(client=client, name=campaign_name)
    ids = [campaign.id for campaign in lookup.matches]
    campaign_id = chosen_id if chosen_id in ids else (lookup.campaign.id if lookup.campaign else "")
    if campaign_id:
        setup_campaign_set(event=event, campaign_name=campaign_name, campaign_id=campaign_id)
    return CampaignChoice(lookup, campaign_id)


def setup_statuses_set(*, event: Event, registered_status: str, came_status: str) -> SalesforceSetup:
    setup = setup_get_or_create(event=event)
    setup.registered_status = registered_status
    setup.came_status = came_status
    _setup_changed(setup, ["registered_status", "came_status"])
    return setup


def setup_options_set(
    *,
    event: Event,
    allow_creating_leads: bool,
    allow_data_update: bool,
    default_company: str,
    duplicate_match_action: str = DuplicateMatchAction.LINK,
) -> SalesforceSetup:
    setup = setup_get_or_create(event=event)
    setup.allow_creating_leads = allow_creating_leads
    setup.allow_data_update = allow_data_update
    setup.default_company = default_company.strip()
    setup.duplicate_match_action = DuplicateMatchAction(duplicate_match_action)
    _setup_changed(
        setup,
        ["allow_creating_leads", "allow_data_update", "default_company", "duplicate_match_action"],
        needs_check=False,
    )
    return setup


def setup_describe_refresh(*, event: Event) -> SalesforceSetup:
    """Fetch the describe of the mapped objects (one API call each) into the setup's cache."""
    setup = setup_get_or_create(event=event)
    client = client_for_connection(connection_get_or_create(event=event))
    setup.describe_cache = describes_fetch(client, MAPPED_OBJECT_NAMES)
    setup.describe_fetched_at = timezone.now()
    setup.save(update_fields=["describe_cache", "describe_fetched_at", "updated_at"])
    return setup


def setup_describe(*, event: Event, setup: SalesforceSetup) -> dict[str, dict[str, Any]]:
    """The cached describe, fetched once when missing (and the connection allows it)."""
    if all(name in (setup.describe_cache or {}) for name in MAPPED_OBJECT_NAMES):
        return setup.describe_cache
    try:
        return setup_describe_refresh(event=event).describe_cache
    except (AuthorizationRevoked, TransientError, RequestRefused):
        return setup.describe_cache or {}


def mappings_validate(
    *, event: Event, setup: SalesforceSetup, texts: dict[str, str], describe: dict[str, Any]
) -> dict[str, MappingReport]:
    fields = event_fields(event=event)
    return {
        name: mapping_validate(
            object_name=name,
            text=text,
            fields=fields,
            describe=describe.get(name),
            data_update=setup.allow_data_update,
        )
        for name, text in texts.items()
    }


def setup_mappings_set(*, event: Event, texts: dict[str, str]) -> dict[str, MappingReport]:
    """Validate the mappings against the cached describe; save them only when none has an error."""
    setup = setup_get_or_create(event=event)
    reports = mappings_validate(
        event=event, setup=setup, texts=texts, describe=setup_describe(event=event, setup=setup)
    )
    if all(report.is_valid for report in reports.values()):
        for name, report in reports.items():
            setattr(setup, mapped_object(name).column, report.mapping)
        _setup_changed(setup, [mapped_object(name).column for name in reports])
    return reports
