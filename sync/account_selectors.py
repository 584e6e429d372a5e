"""Reads of the sync engine for the account's Salesforce page: the org's API usage today and every event's
sync health at a glance (the page is the connector's; these come to it through sync's template tags)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import Account
from connector.models import SalesforceConnection
from events.models import Event, SyncState
from sync.models import SyncRun
from sync.selectors import event_halt, event_pause

FAILED = SyncState.FAILED


@dataclass(frozen=True)
class ApiUsage:
    used: int
    allowed: int
    seen_at: dt.datetime

    @property
    def share(self) -> float:
        return self.used / self.allowed if self.allowed else 0.0


@dataclass(frozen=True)
class EventHealth:
    event: Event
    connection: SalesforceConnection | None
    is_active: bool
    halted_reason: str
    paused_until: dt.datetime | None
    failed: int


def org_api_usage_today(*, account: Account, org_id: str) -> ApiUsage | None:
    """Salesforce's Sforce-Limit-Info counts the org's calls, whichever event or connection made them: the
    latest value any sync of the account's events on that org recorded today."""
    if not org_id:
        return None
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    run = (
        SyncRun.objects.filter(
            event__account=account,
            event__salesforce_setup__connection__org_id=org_id,
            org_api_used__isnull=False,
            started_at__gte=midnight,
        )
        .order_by("-finished_at", "-started_at")
        .first()
    )
    if run is None or run.org_api_used is None or not run.org_api_max:
        return None
    return ApiUsage(run.org_api_used, run.org_api_max, run.finished_at or run.started_at)


def account_events_health(*, account: Account) -> list[EventHealth]:
    events = (
        Event.objects.filter(account=account)
        .select_related("salesforce_setup__connection")
        .annotate(failed=Count("participants", filter=Q(participants__salesforce_sync_state=FAILED)))
        .order_by("name")
    )
    health = []
    for event in events:
        setup = getattr(event, "salesforce_setup", None)
        halt, pause = event_halt(event=event), event_pause(event=event)
        health.append(
            EventHealth(
                event=event,
                connection=setup.connection if setup else None,
                is_active=bool(setup and setup.is_active),
                halted_reason=halt.halted_reason if halt else "",
                paused_until=pause.paused_until if pause else None,
                failed=event.failed,
            )
        )
    return health
