"""The public registration page's guards: its open/close window, the honeypot, the per-IP and per-event
rate limits (django-ratelimit on the shared cache, Redis), and the email confirmation link.

Rules only; the page is events.views_public and the writes are events.services."""

import datetime as dt
from enum import Enum

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest
from django.urls import reverse
from django_ratelimit.core import is_ratelimited

from events.models import Event, Participant

# A field that people never see (hidden by CSS) and bots fill in: a form that has it is thanked, not saved.
HONEYPOT_FIELD = "website.url"  # not a slug, so never the key of a participant field
CONFIRMATION_SALT = "events.registration.confirm-email"


class Window(Enum):
    OPEN = "open"
    NOT_YET = "not yet open"
    CLOSED = "closed"


def registration_window(*, event: Event, now: dt.datetime) -> Window:
    if event.registration_opens_at and now < event.registration_opens_at:
        return Window.NOT_YET
    if event.registration_closes_at and now >= event.registration_closes_at:
        return Window.CLOSED
    return Window.OPEN


def registration_is_bot(request: HttpRequest) -> bool:
    return bool(request.POST.get(HONEYPOT_FIELD, "").strip())


def registration_rate_limited(request: HttpRequest, *, event: Event) -> bool:
    """Counts this submission against the sender's IP and against the event; True past either limit."""
    by_ip = is_ratelimited(
        request, group="registration-ip", key="ip", rate=settings.REGISTRATION_RATE_PER_IP, increment=True
    )
    by_event = is_ratelimited(
        request,
        group="registration-event",
        key=lambda group, request: f"{event.pk}:{event.created_at.timestamp()}",  # this event row only
        rate=settings.REGISTRATION_RATE_PER_EVENT,
        increment=True,
    )
    return by_ip or by_event


def confirmation_token(participant: Participant) -> str:
    """Signed (SECRET_KEY) and bound to the email: a link stops working if the email changes."""
    return signing.dumps({"p": participant.pk, "e": participant.email.casefold()}, salt=CONFIRMATION_SALT)


def confirmation_participant(*, event: Event, token: str) -> Participant | None:
    """The participant a valid, unexpired link is for, or None."""
    try:
        data = signing.loads(token, salt=CONFIRMATION_SALT, max_age=settings.REGISTRATION_CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    participant = Participant.objects.filter(event=event, pk=data.get("p")).first()
    if participant is None or participant.email.casefold() != data.get("e"):
        return None
    return participant


def confirmation_send(*, participant: Participant) -> None:
    event = participant.event
    path = reverse("events:registration_confirm", args=[event.slug, confirmation_token(participant)])
    link = settings.SITE_URL.rstrip("/") + path
    days = settings.REGISTRATION_CONFIRM_MAX_AGE // 86400
    send_mail(
        subject=f"Confirm your registration to {event.name}",
        message=(
            f"Hello,\n\nto confirm your registration to {event.name}, open this link within {days} days:\n"
            f"{link}\n\nIf you did not register, ignore this email: nothing more will happen."
        ),
        from_email=None,
        recipient_list=[participant.email],
    )
