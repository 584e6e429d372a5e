"""Reads of the event side. Every read that a view makes for a user goes through `event_get_for_user`."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.permissions import can_view_event, events_visible_filter
from events.counts import participant_counts
from events.fields import BUILT_IN_FIELDS, FieldSpec
from events.models import Event, Participant, ParticipantField


def events_for_user(*, user: User) -> QuerySet[Event]:
    """The events the user may open (`accounts.permissions.events_visible_filter`)."""
    return Event.objects.filter(events_visible_filter(user))


def event_get_for_user(
    *, user: User, slug: str, allowed: Callable[[User, Event], bool] = can_view_event
) -> Event:
    """The event, or 404 when it does not exist or the user may not open it (outside its account, or not
    given it); 403 when they may open it but `allowed` (a predicate of `accounts.permissions`) says no."""
    try:
        event = events_for_user(user=user).get(slug=slug)
    except Event.DoesNotExist as exc:
        raise Http404("No such event.") from exc
    if not allowed(user, event):
        raise PermissionDenied("Your role in this account does not allow this.")
    return event


def event_fields(*, event: Event) -> list[FieldSpec]:
    """Built-in fields first, then the event's custom fields, in their order."""
    custom = [
        FieldSpec(
            f.key, f.label, f.type, tuple(f.options or ()), staff_only=f.staff_only, max_length=f.max_length
        )
        for f in event.custom_fields.all()
    ]
    return [*BUILT_IN_FIELDS, *custom]


@dataclass(frozen=True)
class ParticipantFilters:
    """What the grid (and its exports) shows: already validated, see `events.forms.GridFilterForm`."""

    search: str = ""
    registered: bool | None = None
    came: bool | None = None
    sync_state: str = ""
    # "" (any), "synced" (date not null), "never" (date null) or "between" (from_date..to_date, inclusive)
    sync_date: str = ""
    # A range that ends before it starts: nothing can match it, so nothing is listed.
    empty_range: bool = False
    from_date: dt.date | None = None
    to_date: dt.date | None = None
    sort: str = "name"


# Sort keys the grid offers -> order_by; `id` last so that pages never overlap or skip rows.
GRID_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("last_name", "first_name", "id"),
    "email": ("email", "id"),
    "company": ("company", "id"),
    "registered": ("is_registered", "id"),
    "came": ("has_come", "id"),
    "sync_state": ("salesforce_sync_state", "id"),
    "sync_date": ("salesforce_sync_date", "id"),
}


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def participants_filtered(*, event: Event, filters: ParticipantFilters) -> QuerySet[Participant]:
    """The event's participants matching `filters`, in the asked order (the grid and the exports)."""
    queryset = Participant.objects.filter(event=event)
    for word in filters.search.split():
        queryset = queryset.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(company__icontains=word)
        )
    if filters.registered is not None:
        queryset = queryset.filter(is_registered=filters.registered)
    if filters.came is not None:
        queryset = queryset.filter(has_come=filters.came)
    if filters.sync_state:
        queryset = queryset.filter(salesforce_sync_state=filters.sync_state)
    if filters.sync_date == "synced":
        queryset = queryset.filter(salesforce_sync_date__isnull=False)
    elif filters.sync_date == "never":
        queryset = queryset.filter(salesforce_sync_date__isnull=True)
    elif filters.sync_date == "between":
        if filters.empty_range:
            return queryset.none()
        # Whole days in the site's time zone: "to" includes everything synchronized that day.
        if filters.from_date:
            queryset = queryset.filter(salesforce_sync_date__gte=_day_start(filters.from_date))
        if filters.to_date:
            end = _day_start(filters.to_date + dt.timedelta(days=1))
            queryset = queryset.filter(salesforce_sync_date__lt=end)
    descending = filters.sort.startswith("-")
    columns = GRID_SORTS.get(filters.sort.lstrip("-"), GRID_SORTS["name"])
    return queryset.order_by(*(f"-{c}" if descending else c for c in columns))


@dataclass(frozen=True)
class GridCounts:
    total: int
    synced: int  # people Salesforce has received at least once: a sync date, as the sync-date filter counts
    pending: int  # changes waiting to be sent (a synced person edited since counts here too)
    failed: int


def participant_grid_counts(*, event: Event) -> GridCounts:
    """The event-wide counts of the grid header, read from the counts the database keeps
    (`events.counts`): counting the rows themselves cost more than the rest of the page at 100,000.

    "Synchronized" means "has a Salesforce sync date", the same rule as the grid's sync-date filter, so the
    header and the filter never disagree; pending and failed are the sync states beside it."""
    return GridCounts(**participant_counts(event=event))


def participant_grid_page(*, queryset: QuerySet[Participant], number: str | None, per_page: int) -> Page:
    """One page of the grid: the page's ids are found first, then only their rows are read.

    Sorting and skipping on the ids alone lets the database do it inside an index (event + sync date +
    name covers the sync-date filter in the default order) rather than reading every matching row: at
    100,000 participants a 10-day window matches 10,000 of them, of which the page shows 50."""
    ids: Paginator[Any] = Paginator(queryset.values_list("pk", flat=True), per_page)  # then rows, same page
    page = ids.get_page(number)
    rows = Participant.objects.in_bulk(list(page.object_list))
    page.object_list = [rows[pk] for pk in page.object_list if pk in rows]
    return page


def participant_get(*, event: Event, pk: int) -> Participant:
    try:
        return Participant.objects.get(event=event, pk=pk)
    except Participant.DoesNotExist as exc:
        raise Http404("No such participant.") from exc


def participant_find_by_email(*, event: Event, email: str) -> Participant | None:
    return Participant.objects.filter(event=event, email__iexact=email.strip()).first()


def participant_email_taken(*, event: Event, email: str, exclude_pk: int | None = None) -> bool:
    queryset = Participant.objects.filter(event=event, email__iexact=email.strip())
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.exists()


def event_field_get(*, event: Event, pk: int) -> ParticipantField:
    try:
        return ParticipantField.objects.get(event=event, pk=pk)
    except ParticipantField.DoesNotExist as exc:
        raise Http404("No such field.") from exc
