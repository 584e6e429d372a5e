from django.db import models

from connector import crypto
from connector.mapped_objects import MAPPED_OBJECTS, Mappings
from events.models import Event


class EncryptedTextField(models.TextField):
    """Stores Fernet ciphertext; Python code only ever sees the clear value."""

    def from_db_value(self, value, expression, connection):
        return crypto.decrypt(value) if value else ""

    def get_prep_value(self, value):
        return crypto.encrypt(value) if value else ""


class LoginHost(models.TextChoices):
    PRODUCTION = "https://login.salesforce.com", "Production (login.salesforce.com)"
    SANDBOX = "https://test.salesforce.com", "Sandbox (test.salesforce.com)"
    MY_DOMAIN = "my_domain", "My Domain URL"


class ConnectionHealth(models.TextChoices):
    NOT_CONNECTED = "not_connected", "Not connected"
    CONNECTED = "connected", "Connected"
    NEEDS_LOGIN = "needs_login", "Needs a new login"


class SalesforceConnection(models.Model):
    """An account's link to one Salesforce org as one Salesforce user, through its connected app: logged in
    once, used by any number of the account's events (each event's `SalesforceSetup.connection`)."""

    account = models.ForeignKey(
        "accounts.Account", on_delete=models.CASCADE, related_name="salesforce_connections"
    )
    consumer_key = models.CharField(max_length=255, blank=True)
    consumer_secret = EncryptedTextField(blank=True)
    login_host = models.URLField(blank=True, default=LoginHost.PRODUCTION)
    refresh_token = EncryptedTextField(blank=True)
    access_token = EncryptedTextField(blank=True)
    instance_url = models.URLField(blank=True)
    org_id = models.CharField(max_length=18, blank=True, db_index=True)
    user_id = models.CharField(max_length=18, blank=True)
    username = models.CharField(max_length=255, blank=True)
    health = models.CharField(
        max_length=20, choices=ConnectionHealth.choices, default=ConnectionHealth.NOT_CONNECTED
    )
    last_error = models.TextField(blank=True)
    connected_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # One connection per org and Salesforce user in an account: a second login as the same user
            # would only spend another of Salesforce's approvals of the connected app (at most 5 per user).
            models.UniqueConstraint(
                fields=["account", "org_id", "user_id"],
                condition=~models.Q(org_id=""),
                name="one_connection_per_org_user_per_account",
            )
        ]

    def __str__(self) -> str:
        return f"Salesforce {self.username or 'connection'} of {self.account}"

    @property
    def is_connected(self) -> bool:
        return self.health == ConnectionHealth.CONNECTED and bool(self.refresh_token)


class DuplicateMatchAction(models.TextChoices):
    """What the sync does when Salesforce's duplicate rules match a person it is about to create."""

    LINK = "link", "Link the participant to the matched record"
    CREATE = "create", "Create the new record anyway"


class SalesforceSetup(models.Model):
    """What the organizer configured on the tile: campaign, statuses, options and field mappings."""

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="salesforce_setup")
    is_active = models.BooleanField(default=False, help_text="The Salesforce tile is activated.")
    # The account's connection this event syncs through (None: not chosen yet).
    connection = models.ForeignKey(
        SalesforceConnection, on_delete=models.SET_NULL, null=True, blank=True, related_name="setups"
    )
    campaign_name = models.CharField(max_length=80, blank=True)
    campaign_id = models.CharField(max_length=18, blank=True)
    registered_status = models.CharField(max_length=40, blank=True)
    came_status = models.CharField(max_length=40, blank=True)
    allow_creating_leads = models.BooleanField(default=True)
    allow_data_update = models.BooleanField(default=False)
    default_company = models.CharField(max_length=255, blank=True, default="Unknown")
    duplicate_match_action = models.CharField(
        max_length=10, choices=DuplicateMatchAction.choices, default=DuplicateMatchAction.LINK
    )
    # One mapping per entry of connector.mapped_objects.MAPPED_OBJECTS (its `column`).
    contact_mapping = models.JSONField(default=dict, blank=True)
    lead_mapping = models.JSONField(default=dict, blank=True)
    campaign_member_mapping = models.JSONField(default=dict, blank=True)
    # Cached describe results, keyed by sObject name, so that live validation costs no API call.
    describe_cache = models.JSONField(default=dict, blank=True)
    describe_fetched_at = models.DateTimeField(null=True, blank=True)
    last_check_ok = models.BooleanField(null=True)
    last_check_errors = models.JSONField(default=list, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Salesforce setup of {self.event}"

    @property
    def mappings(self) -> Mappings:
        return Mappings({mapped.name: dict(getattr(self, mapped.column) or {}) for mapped in MAPPED_OBJECTS})
