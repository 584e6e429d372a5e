from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import can_manage_salesforce
from backoffice.signed_in_request import SignedInRequest
from events.selectors import event_get_for_user, participant_get
from sync.selectors import participant_history as history
from sync.selectors import sync_panel
from sync.services import force_sync_start


def _progress(request: SignedInRequest, event) -> HttpResponse:
    return render(request, "sync/_progress.html", {"event": event, "sync_panel": sync_panel(event=event)})


@login_required
@require_POST
def force_sync(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce)
    result = force_sync_start(event=event)
    if result.refused:
        messages.error(request, f"Force synchronization is not possible yet: {result.refused}")
    elif result.started and result.run is not None:
        messages.success(request, f"Force synchronization started for {result.run.total} participants.")
    else:
        messages.info(request, "A force synchronization is already running: nothing new was started.")
    if request.htmx:
        return _progress(request, event)
    return redirect("connector:salesforce", slug=event.slug)


@login_required
@require_GET
def progress(request: SignedInRequest, slug: str) -> HttpResponse:
    return _progress(request, event_get_for_user(user=request.user, slug=slug, allowed=can_manage_salesforce))


@login_required
@require_GET
def participant_history(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    """The participant page's Salesforce history (loaded by htmx): the last attempts, what was sent where."""
    event = event_get_for_user(user=request.user, slug=slug)  # anyone who sees the participant, staff too
    participant = participant_get(event=event, pk=pk)
    return render(request, "sync/_participant_history.html", {"lines": history(participant=participant)})
