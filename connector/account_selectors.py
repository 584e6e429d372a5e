"""Reads for the account's Salesforce page: its connections with the events using each. The org's API usage
today and the events' sync health are the sync engine's (sync.account_selectors, through its template
tags): the connector does not read up into sync."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Account
from connector.models import SalesforceConnection
from events.models import Event


@dataclass(frozen=True)
class ConnectionOverview:
    connection: SalesforceConnection
    events: list[Event]


def account_connections_overview(*, account: Account) -> list[ConnectionOverview]:
    overviews = []
    for connection in SalesforceConnection.objects.filter(account=account).order_by("username", "pk"):
        events = list(Event.objects.filter(salesforce_setup__connection=connection).order_by("name"))
        if not connection.org_id and not events:
            continue  # a connected app saved but never logged in nor used
        overviews.append(ConnectionOverview(connection, events))
    return overviews
