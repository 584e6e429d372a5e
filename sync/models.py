from django.db import models
from django.db.models import Q

from events.models import Event, Participant


class SyncTrigger(models.TextChoices):
    LIVE = "live", "Live"
    FORCE = "force", "Force synchronization"


class RunState(models.TextChoices):
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"


class SyncRun(models.Model):
    """A forced synchronization, or a burst of live changes flushed until the event had nothing pending."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sync_runs")
    trigger = models.CharField(max_length=10, choices=SyncTrigger.choices)
    state = models.CharField(max_length=10, choices=RunState.choices, default=RunState.RUNNING)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    total = models.PositiveIntegerField(default=0, help_text="Participants to send when the run started.")
    processed = models.PositiveIntegerField(default=0)
    created_leads = models.PositiveIntegerField(default=0)
    created_contacts = models.PositiveIntegerField(default=0)
    updated_records = models.PositiveIntegerField(default=0)
    members_created = models.PositiveIntegerField(default=0)
    members_updated = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    api_calls = models.PositiveIntegerField(default=0)
    org_api_used = models.PositiveIntegerField(null=True, blank=True)
    org_api_max = models.PositiveIntegerField(null=True, blank=True)
    # Why the run waits (paused for the API limit, the connection needs a new login…); empty when fine.
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "trigger"],
                condition=Q(state="running"),
                name="one_running_run_per_event_and_trigger",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} of {self.event} at {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def org_api_usage(self) -> str:
        if self.org_api_used is None or not self.org_api_max:
            return ""
        return f"{self.org_api_used:,} / {self.org_api_max:,} ({self.org_api_used / self.org_api_max:.0%})"


class EventSync(models.Model):
    """Per-event state of the sync engine that is not about one participant."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="sync_state")
    # Set when Salesforce's daily API allowance ran out (or nearly): no call before this moment.
    paused_until = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=300, blank=True)
    last_flush_at = models.DateTimeField(null=True, blank=True)
    # Batches that failed transiently in a row, and when the next attempt may call Salesforce (backoff).
    failures = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # Salesforce refused a whole batch (API disabled, no access…): retrying cannot help. Nothing is sent
    # until the organizer logs in again, checks the setup again or forces a synchronization after this.
    halted_at = models.DateTimeField(null=True, blank=True)
    halted_reason = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"Sync state of {self.event}"


class AttemptOutcome(models.TextChoices):
    SYNCED = "synced", "Synced"
    FAILED = "failed", "Failed"
    RETRY = "retry", "Will be retried"
    REPLAN = "replan", "Record changed in Salesforce: sent again"


class SyncAttempt(models.Model):
    """One participant in one batch: when, what was sent to which Salesforce record, and how it ended.
    The participant page shows the last few; attempts older than SYNC_HISTORY_DAYS are deleted by the
    sweep."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sync_attempts")
    at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    object_name = models.CharField(max_length=20, blank=True)
    record_id = models.CharField(max_length=18, blank=True)
    member_id = models.CharField(max_length=18, blank=True)
    member_status = models.CharField(max_length=40, blank=True)
    # What was written: {"person": {field: value} | None, "member": {field: value} | None}.
    sent = models.JSONField(default=dict)
    error_code = models.CharField(max_length=80, blank=True)
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["participant", "-at"], name="sync_attempt_participant_at")]

    def __str__(self) -> str:
        return f"{self.participant} at {self.at:%Y-%m-%d %H:%M}: {self.outcome}"
