"""The Salesforce client of a stored connection: built from its tokens, and given the refresh that stores
the new ones. The client itself (connector.salesforce) knows no database.

Refreshing a connection's access token: one refresh at a time per connection, across processes.

Salesforce access tokens carry no expiry; a 401 is the only sign. Many workers may see it at once: they queue
on a Redis lock, and whoever gets it second finds the token already replaced and simply reuses it. With
refresh-token rotation a second refresh with the old token would fail, so this lock is not optional.
"""

from __future__ import annotations

import logging
from functools import partial

import redis
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from connector.models import ConnectionHealth, SalesforceConnection
from connector.salesforce import oauth
from connector.salesforce.client import SalesforceClient, Session
from connector.salesforce.errors import AuthorizationRevoked
from connector.signals import connection_needs_login

logger = logging.getLogger(__name__)

LOCK_TIMEOUT_SECONDS = 60


def _lock(connection_id: int) -> redis.lock.Lock:
    client = redis.Redis.from_url(settings.REDIS_URL)
    return client.lock(
        f"salesforce:refresh:{connection_id}",
        timeout=LOCK_TIMEOUT_SECONDS,
        blocking_timeout=LOCK_TIMEOUT_SECONDS + settings.SALESFORCE_TIMEOUT_SECONDS,
    )


def connection_mark_needs_login(*, connection_id: int, reason: str) -> None:
    marked = SalesforceConnection.objects.filter(pk=connection_id).exclude(
        health=ConnectionHealth.NEEDS_LOGIN
    ).update(health=ConnectionHealth.NEEDS_LOGIN, last_error=reason[:1000], updated_at=timezone.now())
    if marked:  # told once, when it happens; not again at each refused attempt
        connection_needs_login.send(sender=SalesforceConnection, connection_id=connection_id, reason=reason)


@sensitive_variables()
def access_token_refresh(*, connection_id: int, stale_access_token: str) -> SalesforceConnection:
    """Return the connection with a fresh access token, refreshing it only if nobody else did meanwhile.

    Raises AuthorizationRevoked (after marking the connection needs_login) when Salesforce refuses the
    refresh token; TransientError and other SalesforceErrors pass through unchanged.
    """
    with _lock(connection_id):
        connection = SalesforceConnection.objects.get(pk=connection_id)
        if connection.access_token and connection.access_token != stale_access_token:
            return connection  # another process refreshed while we waited for the lock
        if not connection.refresh_token:
            connection_mark_needs_login(connection_id=connection_id, reason="No refresh token: log in again.")
            raise AuthorizationRevoked("NO_REFRESH_TOKEN", "The connection has no refresh token.")
        try:
            token = oauth.token_refresh(
                login_host=connection.login_host,
                client_id=connection.consumer_key,
                client_secret=connection.consumer_secret,
                refresh_token=connection.refresh_token,
            )
        except AuthorizationRevoked as exc:
            logger.warning(
                "Salesforce refused the refresh token of connection %s: %s", connection_id, exc.code
            )
            connection_mark_needs_login(
                connection_id=connection_id,
                reason=f"Salesforce refused the refresh token ({exc.code}): log in again.",
            )
            raise
        rotated = token.refresh_token != connection.refresh_token
        with transaction.atomic():
            connection.access_token = token.access_token
            connection.refresh_token = token.refresh_token
            if token.instance_url:
                connection.instance_url = token.instance_url
            connection.save(update_fields=["access_token", "refresh_token", "instance_url", "updated_at"])
        logger.info(
            "Refreshed the access token of connection %s (refresh token rotated: %s)", connection_id, rotated
        )
        return connection


def _session(connection: SalesforceConnection) -> Session:
    return Session(instance_url=connection.instance_url, access_token=connection.access_token)


@sensitive_variables()
def session_refresh(connection_id: int, stale_access_token: str) -> Session:
    """The client's refresh callback: a fresh session for the connection, stored (access_token_refresh)."""
    return _session(access_token_refresh(connection_id=connection_id, stale_access_token=stale_access_token))


def client_for_connection(connection: SalesforceConnection) -> SalesforceClient:
    """The client for a connected connection; AuthorizationRevoked when it needs a (new) login."""
    if connection.health != ConnectionHealth.CONNECTED or not connection.refresh_token:
        raise AuthorizationRevoked("NOT_CONNECTED", "The Salesforce connection needs a login.")
    if not connection.access_token:
        connection = access_token_refresh(connection_id=connection.pk, stale_access_token="")
    refresh = partial(session_refresh, connection.pk)
    return SalesforceClient(_session(connection), refresh=refresh, name=f"connection {connection.pk}")
