"""The integrations page and the Salesforce tile's setup screen. Thin: parse, call a service, render."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can_manage_connections, can_manage_salesforce, event_abilities
from backoffice.signed_in_request import SignedInRequest
from connector import services
from connector.forms import CampaignForm, ConnectionForm, OptionsForm
from connector.mapped_objects import MAPPED_OBJECTS
from connector.models import ConnectionHealth
from connector.salesforce import oauth
from connector.salesforce.errors import AuthorizationRevoked, SalesforceError
from connector.selectors import (
    REFERENCE_CALLS_PER_PARTICIPANT,
    account_connections,
    connection_or_default,
    setup_is_valid,
    setup_or_default,
    sync_estimate,
    tile_state,
)
from connector.setup_recheck import setup_recheck_wanted
from events.models import Event
from events.selectors import event_get_for_user, events_for_user

POPUP_CLOSED_MESSAGE = "The Salesforce login window was closed before the login finished."


def setup_context(request: SignedInRequest, event: Event, **extra: Any) -> dict[str, Any]:
    """Everything the setup screen shows. Read-only: a tile never opened shows unsaved defaults."""
    connection = connection_or_default(event=event)
    setup = setup_or_default(event=event)
    valid, reason = setup_is_valid(event)
    mappings = setup.mappings
    context: dict[str, Any] = {
        "event": event,
        "section": "integrations",
        "connection": connection,
        "setup": setup,
        "state": tile_state(event),
        "connection_form": ConnectionForm(connection=connection),
        "account_connections": account_connections(account_id=event.account_id),
        "may": event_abilities(request.user, event),
        "campaign_form": CampaignForm(initial={"campaign_name": setup.campaign_name}),
        "options_form": OptionsForm(
            initial={
                "allow_creating_leads": setup.allow_creating_leads,
                "allow_data_update": setup.allow_data_update,
                "default_company": setup.default_company,
                "duplicate_match_action": setup.duplicate_match_action,
            }
        ),
        "mapping_texts": {
            mapped.name: _pretty(mappings.for_object(mapped.name)) for mapped in MAPPED_OBJECTS
        },
        "setup_valid": valid,
        "setup_reason": reason,
        "recheck_pending": setup.pk is not None and setup_recheck_wanted(setup),
        "force_sync_url": reverse("sync:force_sync", args=[event.slug]),
        "estimate": sync_estimate(event=event),
        "reference_per_participant": REFERENCE_CALLS_PER_PARTICIPANT,
    }
    context.update(extra)
    reports = context.get("mapping_reports") or {}
    context["mapping_editors"] = [
        {
            "kind": mapped.kind,
            "label": mapped.label,
            "text": context["mapping_texts"].get(mapped.name, ""),
            "report": reports.get(mapped.name),
        }
        for mapped in MAPPED_OBJECTS
    ]
    return context


def _pretty(mapping: Any) -> str:
    return json.dumps(dict(mapping), indent=2) if mapping else ""


@login_required
@require_GET
def integrations(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    context = {"event": event, "section": "integrations", "state": tile_state(event)}
    return render(request, "connector/integrations.html", context)


@login_required
@require_POST
def activate(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    services.connection_set_active(event=event, active=True)
    return tile_redirect(request, event)


@login_required
@require_POST
def deactivate(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    services.connection_set_active(event=event, active=False)
    messages.success(request, "Salesforce is deactivated: nothing is synchronized. The setup is kept.")
    return redirect("connector:integrations", slug=event.slug)


@login_required
@require_GET
def salesforce(request: SignedInRequest, slug: str) -> HttpResponse:
    """The setup screen; staff, who may not change Salesforce settings, see the tile read-only."""
    event = event_get_for_user(user=request.user, slug=slug)
    if not can_manage_salesforce(request.user, event):
        return render(request, "connector/salesforce_readonly.html", readonly_context(event))
    return render(request, "connector/salesforce.html", setup_context(request, event))


def readonly_context(event: Event) -> dict[str, Any]:
    """What staff see of the tile: its state, the connection's name, the campaign and statuses, and how
    many participants are synced, pending or failed; no secret, no form."""
    setup = setup_or_default(event=event)
    counts = dict(event.participants.values_list("salesforce_sync_state").annotate(n=Count("pk")))
    return {
        "event": event,
        "section": "salesforce",
        "state": tile_state(event),
        "connection": connection_or_default(event=event),
        "setup": setup,
        "counts": counts,
    }


@login_required
@require_POST
@sensitive_post_parameters("consumer_secret")
def connection_save(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_connections)
    form = ConnectionForm(request.POST, connection=connection_or_default(event=event))
    if not form.is_valid():
        context = setup_context(request, event, connection_form=form)
        return render(request, "connector/salesforce.html", context, status=400)
    services.connection_credentials_set(
        event=event,
        consumer_key=form.cleaned_data["consumer_key"],
        consumer_secret=form.cleaned_data["consumer_secret"],
        login_host=form.cleaned_data["host"],
    )
    return tile_redirect(request, event, success="Connected app saved. Click SALESFORCE LOGIN to connect.")


def popup_page(request: HttpRequest, *, ok: bool, message: str, status: int) -> HttpResponse:
    """The page the login popup ends on. It tells its opener (the setup screen) to refresh.

    Deliberately COOP unsafe-none: coming back from Salesforce's origin, a same-origin-allow-popups page
    would be put in a new browsing context group and lose window.opener. The page holds no data."""
    response = render(request, "connector/oauth_popup.html", {"ok": ok, "message": message}, status=status)
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


@login_required
@require_GET
def login_start(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_connections)
    try:
        url = services.connection_login_start(event=event, session=request.session)
    except services.SetupError as exc:
        return popup_page(request, ok=False, message=str(exc), status=400)
    return redirect(url)


@login_required
@require_GET
def oauth_callback(request: SignedInRequest) -> HttpResponse:
    """Salesforce sends the popup back here. The state is popped and checked before anything else."""
    login = oauth.pending_login_pop(request.session, state=request.GET.get("state", ""))
    if login is None:
        message = "This login answer is unknown, expired or already used. Start again with SALESFORCE LOGIN."
        return popup_page(request, ok=False, message=message, status=400)
    event = events_for_user(user=request.user).filter(pk=login.event_id).first()
    if event is None or not can_manage_connections(request.user, event):
        return render(
            request, "connector/oauth_popup.html", {"ok": False, "message": "No such event."}, status=404
        )
    error = request.GET.get("error", "")
    code = request.GET.get("code", "")
    if error == "access_denied":
        outcome = services.connection_login_fail(
            event=event, message="You denied access in Salesforce: not connected."
        )
    elif error or not code:
        outcome = services.connection_login_fail(
            event=event, message=f"Salesforce did not log you in ({error or 'no code'})."
        )
    else:
        outcome = services.connection_login_complete(event=event, login=login, code=code)
    return popup_page(request, ok=outcome.ok, message=outcome.message, status=200 if outcome.ok else 400)


@login_required
@require_GET
def connection_status(request: SignedInRequest, slug: str) -> HttpResponse:
    """The connection's state, polled by the setup screen while not connected."""
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    connection = connection_or_default(event=event)
    if request.GET.get("polling") and connection.health == ConnectionHealth.CONNECTED:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # the whole setup screen changes once connected
        return response
    closed = (
        bool(request.GET.get("popup_closed")) and not connection.is_connected and not connection.last_error
    )
    context = {
        "event": event,
        "connection": connection,
        "may": event_abilities(request.user, event),
        "popup_message": POPUP_CLOSED_MESSAGE if closed else "",
    }
    return render(request, "connector/_connection_status.html", context)


@login_required
@require_POST
def disconnect(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_connections)
    warning = services.connection_disconnect(event=event)
    if warning:
        messages.warning(request, warning)
        return tile_redirect(request, event)
    return tile_redirect(
        request, event, success="Disconnected: the tokens are revoked in Salesforce and forgotten here."
    )


@login_required
@require_POST
def connection_use(request: SignedInRequest, slug: str) -> HttpResponse:
    """The event syncs through the chosen connection of its account (organizers may choose, not create)."""
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    try:
        connection_id = int(request.POST.get("connection", ""))
        connection = services.event_connection_use(event=event, connection_id=connection_id)
    except (ValueError, services.SetupError):
        return tile_redirect(request, event, error="Choose one of this account's Salesforce connections.")
    return tile_redirect(request, event, success=f"This event now uses the connection {connection.username}.")


@login_required
@require_POST
def options_save(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    form = OptionsForm(request.POST)
    if not form.is_valid():
        return render(
            request, "connector/salesforce.html", setup_context(request, event, options_form=form), status=400
        )
    services.setup_options_set(event=event, **form.cleaned_data)
    return tile_redirect(request, event, success="Options saved.")


def tile_redirect(request: HttpRequest, event: Event, *, error: str = "", success: str = "") -> HttpResponse:
    """Back to the setup screen, with the outcome of the action on top of it."""
    if error:
        messages.error(request, error)
    if success:
        messages.success(request, success)
    return redirect("connector:salesforce", slug=event.slug)


def salesforce_error_message(exc: SalesforceError) -> str:
    if isinstance(exc, AuthorizationRevoked):
        return "Salesforce needs a new login (SALESFORCE LOGIN)."
    return f"Salesforce could not answer: {exc.code}. Try again."
