"""Emails to an event's organizers when its sync stops by itself and needs them: Salesforce refused a batch
for good (halted), the org's API allowance ran out (paused), or the connection needs a new login.

At most one email per event and kind in ALERT_REPEAT (a paused event pauses again every few minutes while
the allowance stays spent): the claim is an atomic add in the shared cache. Sending never breaks the sync:
a mail server or cache that fails is logged, and the tile still shows the state."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.urls import reverse

from accounts.permissions import salesforce_managers
from events.models import Event

logger = logging.getLogger(__name__)

ALERT_REPEAT = timedelta(hours=12)


def organizers_alert(*, event: Event, kind: str, subject: str, body: str) -> bool:
    """Email the people who can act on the event's tile (its account's admins, its organizers) about `kind`
    (halted, paused, needs_login) unless they were told in the last ALERT_REPEAT; True when an email went
    out."""
    recipients = sorted({user.email for user in salesforce_managers(event) if user.email})
    if not recipients:
        return False
    try:
        if not cache.add(f"sync:alert:{event.pk}:{kind}", 1, timeout=int(ALERT_REPEAT.total_seconds())):
            return False
        tile = settings.SITE_URL.rstrip("/") + reverse("connector:salesforce", args=[event.slug])
        send_mail(f"[{event.name}] {subject}", f"{body}\n\nThe Salesforce tile of the event: {tile}\n",
                  None, recipients)
    except Exception:
        logger.warning("Could not send the %s alert of event %s", kind, event.pk, exc_info=True)
        return False
    return True


def connection_needs_login_alert(sender: Any, *, connection_id: int, reason: str, **kwargs: Any) -> None:
    """On connector's `connection_needs_login`: tell the organizers of every event that uses it."""
    for event in Event.objects.filter(salesforce_setup__connection_id=connection_id):
        organizers_alert(
            event=event,
            kind="needs_login",
            subject="Salesforce needs a new login",
            body=("Salesforce refused the connection's saved login, so nothing is sent to Salesforce for "
                  f"this event until someone clicks SALESFORCE LOGIN on its tile again.\n\n({reason})"),
        )
