"""The public registration page of an event: no login, the event's fields minus the staff-only ones.

Registering again with an email the event already has updates that participant (and keeps them
registered) instead of refusing: people re-submit the form to correct a typo or change a choice, and an
"email already taken" answer would also tell strangers who is registered."""

from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from events import services
from events.forms import ParticipantForm
from events.models import Event
from events.selectors import event_fields, participant_find_by_email


def _public_event(slug: str) -> Event:
    try:
        return Event.objects.get(slug=slug)
    except Event.DoesNotExist as exc:
        raise Http404("No such event.") from exc


def _register(event: Event, values: dict) -> None:
    values = {**values, "is_registered": True}
    existing = participant_find_by_email(event=event, email=values["email"])
    if existing is None:
        try:
            services.participant_create(event=event, values=values)
            return
        except IntegrityError:  # the same person submitted twice at once: the other request won
            existing = participant_find_by_email(event=event, email=values["email"])
    values.pop("email")  # keep the address as first written; only the case may differ
    services.participant_update(participant=existing, values=values)


def registration(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    specs = [spec for spec in event_fields(event=event) if not spec.staff_only]
    form = ParticipantForm(request.POST or None, event=event, specs=specs, check_unique_email=False)
    if request.method == "POST" and form.is_valid():
        _register(event, form.values())
        return redirect("events:registration_thanks", slug=slug)
    return render(request, "events/registration.html", {"public_event": event, "form": form})


def registration_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "events/registration_thanks.html", {"public_event": _public_event(slug)})
