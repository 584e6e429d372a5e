from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Events"

    def ready(self) -> None:
        from events.counts import triggers_ensure

        # After every migrate: a migration may have rebuilt the participant table without its triggers.
        post_migrate.connect(triggers_ensure, sender=self, dispatch_uid="events.counts.triggers_ensure")
