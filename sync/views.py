from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from events.selectors import event_get_for_user


@login_required
@require_POST
def force_sync(request: HttpRequest, slug: str) -> HttpResponse:
    from connector.selectors import setup_is_valid
    from sync.services import force_sync_start

    event = event_get_for_user(user=request.user, slug=slug)
    valid, reason = setup_is_valid(event)
    if not valid:
        messages.error(request, f"Force synchronization is not possible yet: {reason}")
    else:
        result = force_sync_start(event=event)
        if result.started:
            messages.success(request, f"Force synchronization started for {result.run.total} participants.")
        else:
            messages.info(request, "A force synchronization is already running: nothing new was started.")
    if request.htmx:
        return render(request, "sync/_progress.html", {"event": event})
    return redirect("connector:salesforce", slug=event.slug)


@login_required
@require_GET
def progress(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug)
    return render(request, "sync/_progress.html", {"event": event})
