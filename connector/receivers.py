"""The connector's listeners, connected in ConnectorConfig.ready()."""

from __future__ import annotations

import logging
from typing import Any

from connector.models import SalesforceSetup
from connector.setup_recheck import setup_recheck_wanted, setup_version
from connector.tasks import recheck_setup

logger = logging.getLogger(__name__)

# Seconds between a save and its check: saves made within it (statuses, then mappings) share one check.
RECHECK_DELAY_SECONDS = 2


def setup_recheck_soon(sender: Any, *, setup: SalesforceSetup, **kwargs: Any) -> None:
    """On `setup_needs_check`: queue the check. Without a broker the save still stands; the tile keeps
    offering CHECK SETUP."""
    if not setup_recheck_wanted(setup):
        return
    try:
        recheck_setup.apply_async((setup.event_id, setup_version(setup)), countdown=RECHECK_DELAY_SECONDS)
    except Exception:
        logger.warning("Could not queue the setup check of event %s", setup.event_id, exc_info=True)
