"""The customer account above events: it owns events and members (with a role each)."""

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    # Every event of the account, its members and its Salesforce connections.
    ADMIN = "admin", "Admin"
    # The events they are given (Event.members): participants and the event's Salesforce setup.
    ORGANIZER = "organizer", "Organizer"
    # The participants of the events they are given: grid, check-in, import; no Salesforce settings.
    STAFF = "staff", "Staff"


class Account(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AccountMembership(models.Model):
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.ORGANIZER)
    can_export_personal_data = models.BooleanField(
        default=False,
        help_text="Staff: may export the participants' personal data (admins and organizers always may).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["account", "user"]
        constraints = [
            models.UniqueConstraint(fields=["account", "user"], name="one_membership_per_account_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}) in {self.account}"
