"""CHECK SETUP: every check against the org, right now; the result is stored on the setup.

Costs 2 API calls: limits, then one Composite carrying the campaign, its statuses and a fresh describe of
the three objects (a Composite takes queries and sObject describes, not the limits resource).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from connector.campaigns import campaign_soql, statuses_from, statuses_soql
from connector.connection_client import client_for_connection
from connector.describe import describe_compact, required_on_create
from connector.mapped_objects import LEAD, MAPPED_OBJECT_NAMES, MAPPED_OBJECTS
from connector.models import SalesforceSetup
from connector.salesforce.client import SalesforceClient
from connector.salesforce.errors import RequestRefused, SalesforceError, from_status
from connector.salesforce.subrequests import describe_subrequest, query_subrequest
from connector.selectors import estimated_api_calls
from connector.services import connection_get_or_create, mappings_validate, setup_get_or_create
from events.models import Event


@dataclass
class SetupCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    participants: int = 0
    api_calls_needed: int = 0
    api_calls_remaining: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


# Reading CampaignMemberStatus needs the user's Marketing User flag; without it the query is refused as for
# an object the user cannot see (INVALID_TYPE) or for lack of rights.
NOT_A_MARKETING_USER = frozenset({"INVALID_TYPE", "INSUFFICIENT_ACCESS_OR_READONLY", "INSUFFICIENT_ACCESS"})


def _fetch(client: SalesforceClient, setup: SalesforceSetup) -> dict[str, dict[str, Any]]:
    """The campaign, its statuses and the three describes in one Composite: one API call instead of five.
    Answers by reference; a refused one raises only when its check reads it."""
    subrequests = [describe_subrequest(name) for name in MAPPED_OBJECT_NAMES]
    if setup.campaign_id:
        subrequests += [query_subrequest(campaign_soql(setup.campaign_id), "campaign"),
                        query_subrequest(statuses_soql(setup.campaign_id), "statuses")]
    answers = client.composite(subrequests)
    return {str(answer.get("referenceId")): answer for answer in answers}


def _body(answers: dict[str, dict[str, Any]], reference: str) -> Any:
    answer = answers.get(reference) or {}
    status = int(answer.get("httpStatusCode") or 500)
    if status >= 400:
        raise from_status(status, answer.get("body"))
    return answer.get("body") or {}


def _check_campaign(
    check: SetupCheck, setup: SalesforceSetup, answers: dict[str, dict[str, Any]], *, username: str
) -> None:
    if not setup.campaign_id:
        check.errors.append("No campaign is set.")
        return
    if not _body(answers, "campaign").get("records"):
        check.errors.append(f"The campaign {setup.campaign_id} no longer exists in Salesforce.")
        return
    try:
        labels = {s.label for s in statuses_from(_body(answers, "statuses").get("records") or [])}
    except RequestRefused as exc:
        if exc.code not in NOT_A_MARKETING_USER:
            raise
        check.errors.append(
            f"The Salesforce user {username} is not a Marketing User, so Salesforce does not let it read the "
            "campaign's member statuses. In Salesforce Setup → Users, edit that user and tick “Marketing "
            "User”, then run CHECK SETUP again."
        )
        return
    for what, status in (("Registered = True", setup.registered_status), ("Came = True", setup.came_status)):
        if not status:
            check.errors.append(f"No campaign member status is chosen for “{what}”.")
        elif status not in labels:
            check.errors.append(f"The status “{status}” (for {what}) does not exist on the campaign.")


def _check_mappings(
    check: SetupCheck, event: Event, setup: SalesforceSetup, answers: dict[str, dict[str, Any]]
) -> None:
    setup.describe_cache = {
        name: describe_compact(_body(answers, describe_subrequest(name)["referenceId"]))
        for name in MAPPED_OBJECT_NAMES
    }
    setup.describe_fetched_at = timezone.now()
    texts = {name: json.dumps(dict(setup.mappings.for_object(name))) for name in MAPPED_OBJECT_NAMES}
    reports = mappings_validate(event=event, setup=setup, texts=texts, describe=setup.describe_cache)
    for name, report in reports.items():
        check.errors.extend(f"{name} mapping, “{p.key}”: {p.message}" for p in report.errors)
        check.warnings.extend(f"{name} mapping, “{p.key}”: {p.message}" for p in report.warnings)
    for mapped in MAPPED_OBJECTS:
        name = mapped.name
        if not mapped.is_person or (name == LEAD and not setup.allow_creating_leads):
            continue
        covered = {*mapped.default_fields.values(), *reports[name].mapping.values()}
        covered_lower = {f.lower() for f in covered}
        for required in required_on_create(setup.describe_cache[name]):
            if required.lower() not in covered_lower:
                check.errors.append(f"{name}.{required} is required in Salesforce and no mapping fills it.")
    if setup.allow_creating_leads and not setup.default_company:
        check.errors.append("Enter the Company value for new Leads whose participant has none.")


def _check_limits(check: SetupCheck, client: SalesforceClient, event: Event) -> None:
    check.participants = event.participants.count()
    check.api_calls_needed = estimated_api_calls(check.participants)
    daily = client.limits().get("DailyApiRequests") or {}
    if "Remaining" in daily:
        check.api_calls_remaining = int(daily["Remaining"])
        if check.api_calls_remaining < check.api_calls_needed:
            check.errors.append(
                f"The org has {check.api_calls_remaining} API calls left today; a full sync of this event "
                f"needs about {check.api_calls_needed}."
            )


CHANGED_DURING_CHECK = "The setup changed during the check; check again."


def setup_check(*, event: Event) -> SetupCheck:
    """Run every check and store the outcome (last_check_*) with the fresh describe, for the tile.

    The calls take seconds: an edit saved meanwhile was not checked. The outcome is then not stored
    (claimed with a conditional update on updated_at), so that edit still waits for its own check."""
    check = SetupCheck()
    connection = connection_get_or_create(event=event)
    setup = setup_get_or_create(event=event)
    try:
        client = client_for_connection(connection)
        _check_limits(check, client, event)  # first: it also proves the connection is alive
        answers = _fetch(client, setup)
        _check_campaign(check, setup, answers, username=connection.username or "connected")
        _check_mappings(check, event, setup, answers)
    except SalesforceError as exc:
        connection.refresh_from_db()
        reason = connection.last_error if connection.health == "needs_login" else f"{exc.code} {exc.message}"
        check.errors.insert(0, f"Salesforce could not be reached or refused the check: {reason.strip()}")
    stored = SalesforceSetup.objects.filter(pk=setup.pk, updated_at=setup.updated_at).update(
        last_check_ok=check.ok,
        last_check_errors=check.errors,
        last_checked_at=timezone.now(),
        describe_cache=setup.describe_cache,
        describe_fetched_at=setup.describe_fetched_at,
    )
    if not stored:
        check.errors.insert(0, CHANGED_DURING_CHECK)
    return check
