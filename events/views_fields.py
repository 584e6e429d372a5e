"""The participant fields page of an event: the built-in fields, and the custom ones to add, edit or
delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import can_edit_event_settings
from backoffice.signed_in_request import SignedInRequest
from events import services
from events.fields import BUILT_IN_FIELDS
from events.forms import ParticipantFieldForm
from events.selectors import event_field_get, event_get_for_user


@login_required
def field_list(request: SignedInRequest, slug: str) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_edit_event_settings)
    form = ParticipantFieldForm(request.POST or None, event=event)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        field = services.participant_field_create(
            event=event,
            key=data["key"],
            label=data["label"],
            type=data["type"],
            options=data["options"],
            staff_only=data["staff_only"],
            max_length=data["max_length"],
        )
        messages.success(request, f"Field “{field.label}” added.")
        return redirect("events:field_list", slug=slug)
    context = {
        "event": event,
        "section": "fields",
        "form": form,
        "built_in": BUILT_IN_FIELDS,
        "custom": event.custom_fields.all(),
    }
    return render(request, "events/field_list.html", context)


@login_required
def field_edit(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_edit_event_settings)
    field = event_field_get(event=event, pk=pk)
    form = ParticipantFieldForm(request.POST or None, event=event, instance=field)
    if request.method == "POST" and form.is_valid():
        names = ("label", "type", "options", "staff_only", "max_length")
        values = {name: form.cleaned_data[name] for name in names}
        services.participant_field_update(field=field, values=values)
        messages.success(request, f"Field “{field.label}” saved.")
        return redirect("events:field_list", slug=slug)
    context = {"event": event, "section": "fields", "form": form, "field": field}
    return render(request, "events/field_form.html", context)


@login_required
@require_POST
def field_delete(request: SignedInRequest, slug: str, pk: int) -> HttpResponse:
    event = event_get_for_user(user=request.user, slug=slug, allowed=can_edit_event_settings)
    field = event_field_get(event=event, pk=pk)
    services.participant_field_delete(field=field)
    messages.success(request, f"Field “{field.label}” deleted.")
    return redirect("events:field_list", slug=slug)
