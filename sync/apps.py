from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Salesforce synchronization"

    def ready(self) -> None:
        from events.signals import sync_outlook_requested
        from sync.outlook import sync_outlook_answer

        sync_outlook_requested.connect(sync_outlook_answer, dispatch_uid="sync.outlook")
