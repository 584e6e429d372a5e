from django.apps import AppConfig


class SyncConfig(AppConfig):
    name = "sync"
    verbose_name = "Salesforce synchronization"

    def ready(self) -> None:
        # Inside ready(): the apps registry must be ready before these modules import models.
        from connector.signals import connection_needs_login, sync_may_resume
        from events.signals import participants_changed, sync_outlook_requested
        from sync.alerts import connection_needs_login_alert
        from sync.outlook import sync_outlook_answer
        from sync.receivers import flush_soon

        participants_changed.connect(flush_soon, dispatch_uid="sync.flush.participants_changed")
        sync_may_resume.connect(flush_soon, dispatch_uid="sync.flush.sync_may_resume")
        sync_outlook_requested.connect(sync_outlook_answer, dispatch_uid="sync.outlook")
        connection_needs_login.connect(connection_needs_login_alert, dispatch_uid="sync.alerts.needs_login")
