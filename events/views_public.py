"""The public registration page of an event: no login, the event's fields minus the staff-only ones
(what registering again with a known email does: see events.services.participant_register), guarded by
events.registration: open/close dates, a honeypot, rate limits, and the optional email confirmation."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from events import services
from events.forms import ParticipantForm
from events.models import Event
from events.registration import (
    HONEYPOT_FIELD,
    Window,
    confirmation_participant,
    confirmation_send,
    registration_is_bot,
    registration_rate_limited,
    registration_window,
)
from events.selectors import event_fields


def _public_event(slug: str) -> Event:
    try:
        return Event.objects.get(slug=slug)
    except Event.DoesNotExist as exc:
        raise Http404("No such event.") from exc


def registration(request: HttpRequest, slug: str) -> HttpResponse:
    event = _public_event(slug)
    window = registration_window(event=event, now=timezone.now())
    if window != Window.OPEN:
        context = {"public_event": event, "window": window.value}
        status = 403 if request.method == "POST" else 200
        return render(request, "events/registration_closed.html", context, status=status)
    if request.method == "POST":
        if registration_rate_limited(request, event=event):
            return render(request, "events/registration_busy.html", {"public_event": event}, status=429)
        if registration_is_bot(request):
            return redirect("events:registration_thanks", slug=slug)  # thanked like anyone, nothing saved
    specs = [spec for spec in event_fields(event=event) if not spec.staff_only]
    form = ParticipantForm(request.POST or None, event=event, specs=specs, check_unique_email=False)
    if request.method == "POST" and form.is_valid():
        participant, confirm = services.participant_register(event=event, values=form.values())
        if confirm:
            confirmation_send(participant=participant)
            return redirect("events:registration_check_inbox", slug=slug)
        return redirect("events:registration_thanks", slug=slug)
    context = {"public_event": event, "form": form, "honeypot": HONEYPOT_FIELD}
    return render(request, "events/registration.html", context)


def registration_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "events/registration_thanks.html", {"public_event": _public_event(slug)})


def registration_check_inbox(request: HttpRequest, slug: str) -> HttpResponse:
    return render(request, "events/registration_check_inbox.html", {"public_event": _public_event(slug)})


@require_GET
def registration_confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    event = _public_event(slug)
    participant = confirmation_participant(event=event, token=token)
    if participant is None:
        context = {"public_event": event}
        return render(request, "events/registration_confirm_invalid.html", context, status=400)
    services.participant_confirm_email(participant=participant)
    return render(request, "events/registration_thanks.html", {"public_event": event, "confirmed": True})
