from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from events.selectors import event_get_for_user


@login_required
def integrations(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug)
    return render(request, "connector/integrations.html", {"event": event, "section": "integrations"})
