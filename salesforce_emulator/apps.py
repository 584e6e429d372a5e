from django.apps import AppConfig


class SalesforceEmulatorConfig(AppConfig):
    name = "salesforce_emulator"
    verbose_name = "Salesforce emulator"
