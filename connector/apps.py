from django.apps import AppConfig


class ConnectorConfig(AppConfig):
    name = "connector"
    verbose_name = "Salesforce connector"

    def ready(self) -> None:
        from connector.receivers import setup_recheck_soon
        from connector.signals import setup_needs_check

        setup_needs_check.connect(setup_recheck_soon, dispatch_uid="connector.setup_recheck")
