"""The setup is checked again by itself after each change that CHECK SETUP verifies, in the background.

A save leaves the setup unchecked (`last_check_ok` None), and the sync waits for a valid check; without
this, it waited until someone clicked CHECK SETUP, while the pages said changes "will be sent". Now a worker
runs the same check a moment later and the tile shows its outcome; only a setup that is really invalid
keeps waiting. Saves in a row make one check: each queued check carries the version (updated_at) it was
queued for, and only the check of the latest version runs, if nobody ran CHECK SETUP meanwhile."""

from __future__ import annotations

from connector.models import SalesforceSetup
from connector.setup_check import setup_check


def setup_recheck_wanted(setup: SalesforceSetup) -> bool:
    """Unchecked since its last change, and complete enough for the check to say more than what the tile
    already says is missing (a campaign and both statuses)."""
    return (
        setup.last_check_ok is None
        and bool(setup.campaign_id and setup.registered_status and setup.came_status)
    )


def setup_version(setup: SalesforceSetup) -> str:
    return setup.updated_at.isoformat()


def setup_recheck_due(*, event_id: int, version: str) -> bool:
    """Run CHECK SETUP for the event if its setup still waits for one and has not changed since `version`
    (a later save queued its own check); True when it ran."""
    setup = SalesforceSetup.objects.select_related("event").filter(event_id=event_id).first()
    if setup is None or not setup_recheck_wanted(setup) or setup_version(setup) != version:
        return False
    setup_check(event=setup.event)
    return True
