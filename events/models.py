from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from events.fields import FieldType


class Event(models.Model):
    # The customer account that owns the event; who may open it is `accounts.permissions`.
    account = models.ForeignKey("accounts.Account", on_delete=models.PROTECT, related_name="events")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    # The organizers and staff given this event (account admins reach every event of their account).
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="events", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The public registration page: open between these (either may be empty), and when asked, a new
    # registrant confirms their email through a signed link before anything goes to Salesforce.
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True)
    registration_confirms_email = models.BooleanField(
        default=False,
        help_text="New registrants confirm their email (a link is sent) before they go to Salesforce.",
    )

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name


class ParticipantField(models.Model):
    """A custom participant field of one event (built-in fields live in `events.fields`)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="custom_fields")
    key = models.SlugField(max_length=64, help_text="Used in imports, exports and Salesforce mappings.")
    label = models.CharField(max_length=120)
    type = models.CharField(max_length=20, choices=FieldType.choices, default=FieldType.TEXT)
    options = models.JSONField(default=list, blank=True, help_text="Choices of a select list.")
    staff_only = models.BooleanField(default=False, help_text="Hidden from the public registration page.")
    max_length = models.PositiveIntegerField(
        null=True, blank=True, help_text="Most characters of a text value; empty: the type's default."
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "key"], name="unique_field_key_per_event")]

    def __str__(self) -> str:
        return f"{self.label} ({self.key})"


class SyncState(models.TextChoices):
    PENDING = "pending", "Pending"
    SYNCED = "synced", "Synced"
    FAILED = "failed", "Failed"
    # A public registrant who has not confirmed their email yet: never picked up by the sync.
    AWAITING = "awaiting", "Awaiting email confirmation"


class Participant(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    email = models.EmailField(max_length=254)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    company = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    is_registered = models.BooleanField(default=False)
    has_come = models.BooleanField(default=False)
    allows_networking = models.BooleanField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True, help_text="Values of the event's custom fields.")
    email_confirmed = models.BooleanField(
        default=True, help_text="False while a public registrant has not followed the confirmation link."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Salesforce bookkeeping, written only by the sync engine (the participant row is its outbox).
    salesforce_sync_date = models.DateTimeField(null=True, blank=True, db_index=True)
    salesforce_sync_state = models.CharField(
        max_length=10, choices=SyncState.choices, default=SyncState.PENDING
    )
    salesforce_error_code = models.CharField(max_length=80, blank=True)
    salesforce_error_message = models.TextField(blank=True)
    salesforce_warnings = models.JSONField(default=list, blank=True)
    salesforce_object = models.CharField(max_length=20, blank=True)
    salesforce_id = models.CharField(max_length=18, blank=True)
    salesforce_campaign_member_id = models.CharField(max_length=18, blank=True)
    salesforce_campaign_member_status = models.CharField(max_length=40, blank=True)
    salesforce_sent_hash = models.CharField(max_length=64, blank=True)
    # Bumped by every change; the sync engine records the value it sent, so an edit made while a batch
    # is in flight is never marked synced with stale data.
    change_counter = models.PositiveIntegerField(default=0)
    salesforce_synced_counter = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("email"), "event", name="unique_participant_email_per_event"),
        ]
        indexes = [
            # The name after the date: the grid filtered on the sync date sorts its page by name within
            # this index alone (events.selectors.participant_grid_page), not by reading each matching row.
            models.Index(
                fields=["event", "salesforce_sync_date", "last_name", "first_name", "id"],
                name="participant_sync_date_name",
            ),
            models.Index(fields=["event", "salesforce_sync_state"], name="participant_event_sync_state"),
            models.Index(fields=["event", "last_name", "first_name", "id"], name="participant_event_name"),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class ParticipantCounts(models.Model):
    """The grid header's counts of an event (participants, with a sync date, pending, failed), kept by
    database triggers on the participant table (events/counts.py installs them after every migrate).

    Triggers rather than code in the services: participants change through many paths (the services,
    the sync engine's conditional updates, force sync's bulk update, imports, seeds, cascading deletes),
    and a trigger moves the counts in the same statement and transaction as any of them, so they stay
    exact. On PostgreSQL each transaction adds to a row of its own (`tx`, its transaction id): writers
    of one event never wait on a shared counter row; the rows are summed on read and merged into the
    event's `tx` 0 row when they pile up. SQLite has one writer at a time and keeps the `tx` 0 row only."""

    # No database constraint: the rows of a deleted event are removed by a trigger on the event table,
    # after its participants' deletes have counted themselves out.
    event = models.ForeignKey(
        Event, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+"
    )
    tx = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    synced = models.BigIntegerField(default=0)
    pending = models.BigIntegerField(default=0)
    failed = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "tx"], name="participant_counts_event_tx")]

    def __str__(self) -> str:
        return f"counts of event {self.event_id} (transaction {self.tx})"


class ExportState(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Being written"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class ExportJob(models.Model):
    """An export of the grid too large for one web request, written by a worker (events.export_jobs); its
    file is kept for EXPORT_KEEP_HOURS, for the person who asked for it."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="export_jobs")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    fmt = models.CharField(max_length=4)
    # The grid's validated filters (events.selectors.ParticipantFilters, dates as ISO strings).
    filters = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == ExportState.READY:
            return 100
        return min(99, self.written * 100 // self.total) if self.total else 0

    @property
    def is_done(self) -> bool:
        return self.state in (ExportState.READY, ExportState.FAILED)
