import time

from django.core.management.base import BaseCommand, CommandError

from connector.selectors import setup_is_valid
from events.models import Event, SyncState
from sync.models import RunState, SyncRun
from sync.scheduling import flush_enqueue
from sync.services import force_sync_start


class Command(BaseCommand):
    help = "Send an event's pending participants to Salesforce through the Celery worker (--force: everyone)."

    def add_arguments(self, parser):
        parser.add_argument("event_slug")
        parser.add_argument("--force", action="store_true", help="FORCE SYNCHRONIZATION: every participant.")
        parser.add_argument("--wait", action="store_true", help="Wait until nothing is pending.")

    def handle(self, *args, event_slug: str, force: bool, wait: bool, **options):
        event = Event.objects.filter(slug=event_slug).first()
        if event is None:
            raise CommandError(f"No event with the slug {event_slug!r}.")
        if force:
            result = force_sync_start(event=event)
            if result.refused:
                raise CommandError(f"The sync cannot run for {event}: {result.refused}")
            if not result.started:
                self.stdout.write("A force synchronization is already running: nothing new was started.")
        else:
            valid, reason = setup_is_valid(event)  # no force: only say why the pending rows would wait
            if not valid:
                raise CommandError(f"The sync cannot run for {event}: {reason}")
            flush_enqueue(event_id=event.pk)
        if wait:
            self._wait(event)

    def _wait(self, event: Event) -> None:
        pending = event.participants.filter(salesforce_sync_state=SyncState.PENDING)
        running = SyncRun.objects.filter(event=event, state=RunState.RUNNING)
        while pending.exists() or running.exists():
            self.stdout.write(f"{pending.count()} participants pending…")
            time.sleep(2)
        counts = {s: event.participants.filter(salesforce_sync_state=s).count() for s in SyncState.values}
        self.stdout.write(self.style.SUCCESS(f"Done: {counts}"))
