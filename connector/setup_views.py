"""The setup sections of the Salesforce tile: campaign, statuses, mappings, CHECK SETUP (htmx partials)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can_manage_salesforce
from backoffice.signed_in_request import SignedInRequest
from connector import services
from connector.campaigns import campaign_find_by_name, campaign_status_create, campaign_statuses
from connector.connection_client import client_for_connection
from connector.forms import CampaignForm, MappingsForm, StatusCreateForm, StatusesForm
from connector.mapped_objects import MAPPED_OBJECTS, mapped_object_of_kind
from connector.mapping_choices import mapping_choices_data
from connector.mapping_validation import MappingReport
from connector.salesforce.errors import SalesforceError
from connector.selectors import connection_or_default, setup_or_default
from connector.setup_check import setup_check
from connector.views import salesforce_error_message, setup_context, tile_redirect
from events.selectors import event_fields, event_get_for_user


def _client(event):
    return client_for_connection(connection_or_default(event=event))


@login_required
@require_POST
def campaign_check(request: SignedInRequest, slug: str) -> HttpResponse:
    """Live check of the typed campaign name (htmx): found, several to choose from, or not found + hints."""
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    name = request.POST.get("campaign_name", "")
    try:
        lookup = campaign_find_by_name(client=_client(event), name=name)
    except SalesforceError as exc:
        return render(request, "connector/_campaign_check.html", {"error": salesforce_error_message(exc)})
    return render(request, "connector/_campaign_check.html", {"lookup": lookup})


@login_required
@require_POST
def campaign_save(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    form = CampaignForm(request.POST)
    form.is_valid()
    name = form.cleaned_data.get("campaign_name", "")
    try:
        choice = services.setup_campaign_resolve(
            event=event, campaign_name=name, chosen_id=form.cleaned_data.get("campaign_id", "")
        )
    except SalesforceError as exc:
        return tile_redirect(request, event, error=salesforce_error_message(exc))
    if choice.error:
        form.add_error("campaign_name", choice.error)
        context = setup_context(request, event, campaign_form=form, campaign_lookup=choice.lookup)
        return render(request, "connector/salesforce.html", context, status=400)
    return tile_redirect(request, event, success=f"Campaign “{name}” ({choice.campaign_id}) saved.")


def _usual(label: str, labels: list[str]) -> str:
    """The campaign's status of that usual name, pre-selected while none is chosen (still to be saved)."""
    return next((existing for existing in labels if existing.lower() == label.lower()), "")


@login_required
@require_GET
def statuses_section(request: SignedInRequest, slug: str) -> HttpResponse:
    """The two status pickers, from the campaign's CampaignMemberStatus labels (one API call)."""
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    setup = setup_or_default(event=event)
    context: dict[str, Any] = {"event": event, "setup": setup}
    if setup.campaign_id:
        try:
            statuses = campaign_statuses(client=_client(event), campaign_id=setup.campaign_id)
        except SalesforceError as exc:
            context["error"] = salesforce_error_message(exc)
        else:
            labels = [s.label for s in statuses]
            initial = {
                "registered_status": setup.registered_status or _usual("Registered", labels),
                "came_status": setup.came_status or _usual("Attended", labels),
            }
            context.update(
                statuses=statuses,
                form=StatusesForm(labels=labels, initial=initial),
                create_form=StatusCreateForm(),
            )
    return render(request, "connector/_statuses.html", context)


@login_required
@require_POST
def statuses_save(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    setup = setup_or_default(event=event)
    try:
        labels = [s.label for s in campaign_statuses(client=_client(event), campaign_id=setup.campaign_id)]
    except SalesforceError as exc:
        return tile_redirect(request, event, error=salesforce_error_message(exc))
    form = StatusesForm(request.POST, labels=labels)
    if not form.is_valid():
        return tile_redirect(request, event, error="Choose both statuses among the campaign's statuses.")
    services.setup_statuses_set(event=event, **form.cleaned_data)
    return tile_redirect(request, event, success="Statuses saved.")


@login_required
@require_POST
def status_create(request: SignedInRequest, slug: str) -> HttpResponse:
    """Create a missing CampaignMemberStatus in Salesforce ("Came" ones count as responded)."""
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    setup = setup_or_default(event=event)
    form = StatusCreateForm(request.POST)
    if not form.is_valid() or not setup.campaign_id:
        message = "Enter a status label (at most 40 characters) once the campaign is set."
        return tile_redirect(request, event, error=message)
    label, kind = form.cleaned_data["label"].strip(), form.cleaned_data["kind"]
    try:
        campaign_status_create(
            client=_client(event), campaign_id=setup.campaign_id, label=label, responded=kind == "came"
        )
    except SalesforceError as exc:
        return tile_redirect(request, event, error=f"Salesforce refused the status: {exc.code} {exc.message}")
    return tile_redirect(request, event, success=f"Status “{label}” created on the campaign.")


def _mapping_reports(request: SignedInRequest, event, texts: dict[str, str]) -> dict[str, MappingReport]:
    setup = services.setup_get_or_create(event=event)
    describe = services.setup_describe(event=event, setup=setup)
    return services.mappings_validate(event=event, setup=setup, texts=texts, describe=describe)


@login_required
@require_POST
def mapping_check(request: SignedInRequest, slug: str, kind: str) -> HttpResponse:
    """Live validation of one mapping editor (htmx), against the cached describe."""
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    mapped = mapped_object_of_kind(kind)
    if mapped is None:
        return HttpResponse(status=404)
    object_name = mapped.name
    report = _mapping_reports(request, event, {object_name: request.POST.get(kind, "")})[object_name]
    return render(request, "connector/_mapping_check.html", {"report": report, "kind": kind})


@login_required
@require_GET
def mapping_choices_section(request: SignedInRequest, slug: str) -> HttpResponse:
    """The visual editors' choices (htmx, once per page): per participant field, the Salesforce fields the
    live check would accept, as a JSON data block. Fetches the describe once when it is not cached."""
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    setup = setup_or_default(event=event)
    describe = setup.describe_cache or {}
    if connection_or_default(event=event).is_connected:
        try:
            describe = services.setup_describe(event=event, setup=setup)
        except SalesforceError:  # e.g. the API limit: the editor says the fields are not loaded
            pass
    fields = event_fields(event=event)
    choices = {
        mapped.kind: mapping_choices_data(
            object_name=mapped.name,
            fields=fields,
            describe=describe.get(mapped.name),
            data_update=setup.allow_data_update,
        )
        for mapped in MAPPED_OBJECTS
    }
    context = {"choices": choices, "setup": setup_or_default(event=event)}  # read again: the fetch saved it
    return render(request, "connector/_mapping_choices.html", context)


@login_required
@require_POST
def mappings_save(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    form = MappingsForm(request.POST)
    form.is_valid()
    reports = services.setup_mappings_set(event=event, texts=form.texts())
    if any(not r.is_valid for r in reports.values()):
        texts = {mapped.name: form.cleaned_data.get(mapped.kind, "") for mapped in MAPPED_OBJECTS}
        context = setup_context(request, event, mapping_texts=texts, mapping_reports=reports)
        messages.error(request, "Nothing saved: fix the mappings marked in red.")
        return render(request, "connector/salesforce.html", context, status=400)
    return tile_redirect(request, event, success="Mappings saved.")


@login_required
@require_POST
def describe_refresh(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    try:
        services.setup_describe_refresh(event=event)
    except SalesforceError as exc:
        return tile_redirect(request, event, error=salesforce_error_message(exc))
    return tile_redirect(request, event, success="Salesforce fields refreshed.")


@login_required
@require_GET
def check_outcome(request: SignedInRequest, slug: str) -> HttpResponse:
    """The stored outcome of the last check (htmx polls it while a background check is due)."""
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    return render(request, "connector/_check_response.html", setup_context(request, event))


@login_required
@require_POST
def check(request: SignedInRequest, slug: str) -> HttpResponse:
    """CHECK SETUP: every check against the org now; the result is listed under the button."""
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    result = setup_check(event=event)
    context = setup_context(request, event, check=result)
    if request.htmx:
        # The result under the button, plus the FORCE SYNCHRONIZATION block and the state (out of band).
        return render(request, "connector/_check_response.html", context)
    return render(request, "connector/salesforce.html", context)
