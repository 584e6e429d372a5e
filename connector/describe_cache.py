"""The one place that asks Salesforce for describes, and the setup's cache of them.

REFRESH FIELDS and CHECK SETUP fetch all three mapped objects into `SalesforceSetup.describe_cache`; a sync
run reads the cache and fetches only what it lacks, so a run after a check costs no describe call."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from connector.describe import describe_compact
from connector.models import SalesforceSetup
from connector.salesforce.client import SalesforceClient

Describes = dict[str, dict[str, dict[str, Any]]]  # object → field API name → kept describe keys


def describes_fetch(
    client: SalesforceClient, names: Sequence[str], *, guard: Callable[[], None] = lambda: None
) -> Describes:
    """The compact describe of each object, one API call each; `guard` runs before each call."""
    described: Describes = {}
    for name in names:
        guard()
        described[name] = describe_compact(client.describe(name))
    return described


def describe_cache_complete(
    *, setup: SalesforceSetup, client: SalesforceClient, names: Sequence[str], guard: Callable[[], None]
) -> Describes:
    """The setup's cached describe with the objects it lacked fetched and stored. Stored by a plain update:
    filling the cache changes nothing the organizer set, so `updated_at` (which CHECK SETUP compares
    before storing its result) stays."""
    cache = dict(setup.describe_cache or {})
    missing = [name for name in names if not cache.get(name)]
    if missing:
        cache.update(describes_fetch(client, missing, guard=guard))
        SalesforceSetup.objects.filter(pk=setup.pk).update(describe_cache=cache)
    return cache
