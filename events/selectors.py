"""Reads of the event side. Every read that a view makes for a user goes through `event_get_for_user`."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.http import Http404

from events.fields import BUILT_IN_FIELDS, FieldSpec
from events.models import Event


def events_for_user(*, user: AbstractBaseUser) -> QuerySet[Event]:
    if user.is_superuser:
        return Event.objects.all()
    return Event.objects.filter(members=user)


def event_get_for_user(*, user: AbstractBaseUser, slug: str) -> Event:
    """The event, or 404 when it does not exist or the user is not one of its members."""
    try:
        return events_for_user(user=user).get(slug=slug)
    except Event.DoesNotExist as exc:
        raise Http404("No such event.") from exc


def event_fields(*, event: Event) -> list[FieldSpec]:
    """Built-in fields first, then the event's custom fields, in their order."""
    custom = [
        FieldSpec(f.key, f.label, f.type, tuple(f.options or ()), staff_only=f.staff_only)
        for f in event.custom_fields.all()
    ]
    return [*BUILT_IN_FIELDS, *custom]
