"""How the sync engine's panels reach the connector's pages: the tile's progress panel and, on the account's
Salesforce page, the org's API usage today and the events' sync health. The connector's templates load
these tags, so its views and selectors import nothing of sync (sync sits above the connector)."""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Account
from events.models import Event
from sync.account_selectors import ApiUsage, account_events_health, org_api_usage_today
from sync.selectors import sync_panel

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    if seconds is None:
        return "estimating…"
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes} min {seconds:02d} s" if minutes else f"{seconds} s"


@register.inclusion_tag("sync/_progress.html")
def sync_progress(event: Event) -> dict[str, Any]:
    """The tile's synchronization panel (polled by htmx through sync:progress, which renders the same
    template)."""
    return {"event": event, "sync_panel": sync_panel(event=event)}


@register.simple_tag
def org_api_usage(account: Account, org_id: str) -> ApiUsage | None:
    """`{% org_api_usage account org_id as usage %}`: the org's API usage today, as its syncs last saw it."""
    return org_api_usage_today(account=account, org_id=org_id)


@register.inclusion_tag("sync/_account_events_health.html")
def account_sync_health(account: Account) -> dict[str, Any]:
    """The account page's card of its events' synchronization: halted, paused, needs a login, failed."""
    return {"events_health": account_events_health(account=account)}
