"""Reads of the connector: the event's connection and setup, the tile's state, whether sync may run."""

from __future__ import annotations

import math
from dataclasses import dataclass

from connector.models import ConnectionHealth, SalesforceConnection, SalesforceSetup
from events.models import Event

# What the reference product spends: one person at a time, about 3 calls each.
REFERENCE_CALLS_PER_PARTICIPANT = 3
# Our sync (sync.batches.BATCH_SIZE): per batch of 1,000 participants, one Composite of look-ups, then the
# writes packed five Collections of 200 to a Composite, so 400 new people (with their memberships) per call
# at most (bench_sync: 8 calls for 2,000 new participants, 2 for 2,000 unchanged).
PARTICIPANTS_PER_BATCH = 1000
NEW_PEOPLE_PER_WRITE_CALL = 400


def connection_for_event(event: Event) -> SalesforceConnection | None:
    """The account's connection the event uses, if it has chosen one."""
    return SalesforceConnection.objects.filter(setups__event=event).first()


def account_connections(*, account_id: int) -> list[SalesforceConnection]:
    """The account's connections that have logged in at least once: what an event's tile offers."""
    connections = SalesforceConnection.objects.filter(account_id=account_id).exclude(org_id="")
    return list(connections.order_by("username", "pk"))


def setup_for_event(event: Event) -> SalesforceSetup | None:
    return SalesforceSetup.objects.filter(event=event).first()


def connection_or_default(*, event: Event) -> SalesforceConnection:
    """The event's connection, or an unsaved blank one: showing the tile writes nothing."""
    return connection_for_event(event) or SalesforceConnection(account_id=event.account_id)


def setup_or_default(*, event: Event) -> SalesforceSetup:
    """The event's setup, or an unsaved one holding the defaults."""
    return setup_for_event(event) or SalesforceSetup(event=event)


def estimated_api_calls(participants: int) -> int:
    """API calls a full (forced) sync of `participants` new participants is expected to cost, at most."""
    full, rest = divmod(max(participants, 0), PARTICIPANTS_PER_BATCH)

    def batch(size: int) -> int:
        return 1 + math.ceil(size / NEW_PEOPLE_PER_WRITE_CALL) if size else 0

    return full * batch(PARTICIPANTS_PER_BATCH) + batch(rest)


@dataclass(frozen=True)
class SyncEstimate:
    """What a full sync of the event costs in API calls, ours next to the reference product's."""

    participants: int
    api_calls: int
    reference_calls: int

    @property
    def calls_per_participant(self) -> float:
        return self.api_calls / self.participants if self.participants else 0.0


def sync_estimate(*, event: Event) -> SyncEstimate:
    participants = event.participants.count()
    return SyncEstimate(
        participants=participants,
        api_calls=estimated_api_calls(participants),
        reference_calls=participants * REFERENCE_CALLS_PER_PARTICIPANT,
    )


def setup_is_valid(event: Event) -> tuple[bool, str]:
    """(True, "") when the sync may run for this event, else (False, the reason an organizer can act on)."""
    setup = setup_for_event(event)
    connection = connection_for_event(event)
    if setup is None or not setup.is_active:
        return False, "The Salesforce tile is not activated."
    if connection is None:
        return False, "Salesforce is not connected."
    if connection.health == ConnectionHealth.NEEDS_LOGIN:
        return False, "The Salesforce connection needs a new login."
    if not connection.is_connected:
        return False, "Salesforce is not connected."
    if not setup.campaign_id:
        return False, "No campaign is set."
    if not setup.registered_status or not setup.came_status:
        return False, "The campaign member statuses are not set."
    if setup.last_check_ok is False:
        return False, "The last check of the setup found errors: they are listed under CHECK SETUP."
    if setup.last_check_ok is None:
        return False, "The settings changed: they are being checked against Salesforce (CHECK SETUP: now)."
    return True, ""


@dataclass(frozen=True)
class TileState:
    code: str  # inactive, not_connected, needs_login, incomplete, valid
    label: str
    detail: str = ""


def tile_state(event: Event) -> TileState:
    setup = setup_for_event(event)
    connection = connection_for_event(event)
    if setup is None or not setup.is_active:
        return TileState("inactive", "Not activated")
    if connection is None:
        return TileState("not_connected", "Not connected")
    if connection.health == ConnectionHealth.NEEDS_LOGIN:
        return TileState("needs_login", "Needs a new login", connection.last_error)
    if not connection.is_connected:
        return TileState("not_connected", "Not connected")
    who = f"Connected as {connection.username} ({connection.org_id})"
    valid, reason = setup_is_valid(event)
    if valid:
        return TileState("valid", "Setup valid", who)
    return TileState("incomplete", "Setup incomplete", f"{who}. {reason}")
