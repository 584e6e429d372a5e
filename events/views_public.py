"""The public registration page of an event: no login, the event's fields minus the staff-only ones
(what registering again with a known email does: see events.services.participant_register)."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from events import services
from events.forms import ParticipantForm
from events.models import Event
from events.selectors import event_fields


def _public_event(slug: str) -> Event:
    try:
        return Event.objects.get(slug=slug)
    except Event.DoesNotExist as exc:
        raise Http404("No such event.") from exc


def registration(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    specs = [spec for spec in event_fields(event=event) if not spec.staff_only]
    form = ParticipantForm(request.POST or None, event=event, specs=specs, check_unique_email=False)
    if request.method == "POST" and form.is_valid():
        services.participant_register(event=event, values=form.values())
        return redirect("events:registration_thanks", slug=slug)
    return render(request, "events/registration.html", {"public_event": event, "form": form})


def registration_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "events/registration_thanks.html", {"public_event": _public_event(slug)})
