from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Salesforce synchronization"

    def ready(self) -> None:
        from connector.signals import connection_needs_login
        from events.signals import sync_outlook_requested
        from sync.alerts import connection_needs_login_alert
        from sync.outlook import sync_outlook_answer

        sync_outlook_requested.connect(sync_outlook_answer, dispatch_uid="sync.outlook")
        connection_needs_login.connect(connection_needs_login_alert, dispatch_uid="sync.alerts.needs_login")
