"""Django admin for support staff. Participant edits go through `events.services`, so that an admin
change is marked pending and reaches Salesforce like any other. Staff who are not superusers see only the
events they are members of, as everywhere else."""

from typing import TYPE_CHECKING

from django.contrib import admin

from accounts.permissions import accounts_visible_to
from events import services
from events.fields import BUILT_IN_KEYS
from events.models import Event, Participant, ParticipantField
from events.selectors import events_for_user

SALESFORCE_FIELDS = (
    "salesforce_sync_date",
    "salesforce_sync_state",
    "salesforce_error_code",
    "salesforce_error_message",
    "salesforce_warnings",
    "salesforce_object",
    "salesforce_id",
    "salesforce_campaign_member_id",
    "salesforce_campaign_member_status",
    "salesforce_sent_hash",
    "change_counter",
    "salesforce_synced_counter",
)


class ParticipantFieldInline(admin.TabularInline):
    model = ParticipantField
    extra = 0


# What MemberEventsOnly is mixed into, for the type checker; a plain object at run time.
if TYPE_CHECKING:
    _AdminBase = admin.ModelAdmin
else:
    _AdminBase = object


class MemberEventsOnly(_AdminBase):
    """Querysets and event choices limited to the user's events (superusers see all)."""

    event_path = "event"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        events = events_for_user(user=request.user)
        return queryset.filter(**{f"{self.event_path}__in": events})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "event" and not request.user.is_superuser:
            kwargs["queryset"] = events_for_user(user=request.user)
        if db_field.name == "account" and not request.user.is_superuser:
            kwargs["queryset"] = accounts_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Event)
class EventAdmin(MemberEventsOnly, admin.ModelAdmin):
    event_path = "pk"
    list_display = ("name", "account", "slug", "starts_on", "location")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("members",)
    inlines = [ParticipantFieldInline]


@admin.register(Participant)
class ParticipantAdmin(MemberEventsOnly, admin.ModelAdmin):
    list_display = (
        "email",
        "first_name",
        "last_name",
        "event",
        "salesforce_sync_state",
        "salesforce_sync_date",
    )
    list_filter = ("salesforce_sync_state", "is_registered", "has_come")
    search_fields = ("email", "first_name", "last_name", "company")
    list_select_related = ("event",)
    show_full_result_count = False  # no full-table count on every change list page
    readonly_fields = (*SALESFORCE_FIELDS, "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("event", *sorted(BUILT_IN_KEYS), "data")}),
        (
            "Salesforce (written by the sync engine)",
            {"fields": (*SALESFORCE_FIELDS, "created_at", "updated_at")},
        ),
    )

    def save_model(self, request, obj, form, change) -> None:
        # Custom field values are the keys of `data`; built-ins are columns.
        values = {name: form.cleaned_data[name] for name in BUILT_IN_KEYS}
        values.update(form.cleaned_data.get("data") or {})
        if change:
            services.participant_update(participant=obj, values=values)
        else:
            created = services.participant_create(event=form.cleaned_data["event"], values=values)
            obj.pk, obj._state.adding = created.pk, False
