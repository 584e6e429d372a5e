"""Who may do what: the one module that knows the roles. Views never test a role: they resolve their event
with `events.selectors.event_get_for_user(..., allowed=<predicate>)` and their account with
`accounts.selectors.account_get_for_user`, which call these predicates.

- admin: every event of the account, its members and its Salesforce connections;
- organizer: the events they are given (`Event.members`), their participants and Salesforce setup;
- staff: the participants of the events they are given (grid, check-in, import), no Salesforce settings,
  no export of personal data unless their membership grants it.
Superusers may do everything; anyone else outside the account sees nothing of it (404).

Accounts sit below events (an event belongs to an account and asks here who may open it), so this module
imports nothing of events: it reads an event through `AccountEvent`, and says which events a user may
open as a filter (`events_visible_filter`) that the events app applies to its own queries."""

from typing import Any, Protocol

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from accounts.models import Account, AccountMembership, Role


class AccountEvent(Protocol):
    """What the permissions read of an event (events.models.Event): its account and the people given it."""

    @property
    def pk(self) -> Any: ...

    @property
    def account_id(self) -> int: ...

    @property
    def members(self) -> Any: ...  # the organizers and staff given the event (a many-to-many manager)


def membership_of(user: User, account_id: int | None) -> AccountMembership | None:
    if not user.is_authenticated or account_id is None:
        return None
    return AccountMembership.objects.filter(user=user, account_id=account_id).first()


def accounts_visible_to(user: User) -> QuerySet[Account]:
    if user.is_superuser:
        return Account.objects.all()
    return Account.objects.filter(memberships__user=user)


def events_visible_filter(user: User) -> Q:
    """Which events the user may open, as a filter on events: all events of the accounts they administer,
    and the events they are given in their accounts."""
    if user.is_superuser:
        return Q()
    if not user.is_authenticated:
        return Q(pk__in=[])
    memberships = AccountMembership.objects.filter(user=user)
    administered = memberships.filter(role=Role.ADMIN).values("account")
    given = get_user_model().objects.filter(pk=user.pk).values("events")  # Event.members, seen from the user
    return Q(account__in=administered) | Q(pk__in=given, account__in=memberships.values("account"))


def _role(user: User, event: AccountEvent) -> str | None:
    membership = membership_of(user, event.account_id)
    return membership.role if membership else None


def can_view_event(user: User, event: AccountEvent) -> bool:
    """The event's pages at all: participants, grid, check-in, import (every role, on their events): what
    `events_visible_filter` says, for one event."""
    if user.is_superuser:
        return True
    role = _role(user, event)
    if role is None:
        return False
    return role == Role.ADMIN or event.members.filter(pk=user.pk).exists()


def can_manage_salesforce(user: User, event: AccountEvent) -> bool:
    """The event's Salesforce tile (connection, setup, CHECK SETUP, FORCE SYNCHRONIZATION)."""
    return user.is_superuser or _role(user, event) in (Role.ADMIN, Role.ORGANIZER)


def can_manage_connections(user: User, event: AccountEvent) -> bool:
    """The account's Salesforce connections from an event's tile: connected app, login, disconnect. An
    organizer picks one of the account's connections for their event but does not create or cut one."""
    return user.is_superuser or _role(user, event) == Role.ADMIN


def can_edit_event_settings(user: User, event: AccountEvent) -> bool:
    """The event's participant fields and other settings."""
    return user.is_superuser or _role(user, event) in (Role.ADMIN, Role.ORGANIZER)


def can_export_personal_data(user: User, event: AccountEvent) -> bool:
    if user.is_superuser:
        return True
    membership = membership_of(user, event.account_id)
    if membership is None:
        return False
    return membership.role != Role.STAFF or membership.can_export_personal_data


def can_manage_account(user: User, account: Account) -> bool:
    """The account's members and Salesforce connections."""
    if user.is_superuser:
        return True
    membership = membership_of(user, account.pk)
    return membership is not None and membership.role == Role.ADMIN


def salesforce_managers(event: AccountEvent) -> QuerySet:
    """The people who can act on the event's Salesforce tile: its account's admins and the organizers given
    the event (staff cannot fix a connection, so they are not told)."""
    memberships = AccountMembership.objects.filter(account_id=event.account_id)
    admins = memberships.filter(role=Role.ADMIN).values("user")
    organizers = memberships.filter(role=Role.ORGANIZER, user__in=event.members.values("pk")).values("user")
    return get_user_model().objects.filter(Q(pk__in=admins) | Q(pk__in=organizers))


def event_abilities(user: User, event: AccountEvent) -> dict[str, bool]:
    """What the templates show or hide for this user on this event (the views enforce the same predicates)."""
    return {
        "manage_salesforce": can_manage_salesforce(user, event),
        "manage_connections": can_manage_connections(user, event),
        "edit_settings": can_edit_event_settings(user, event),
        "export": can_export_personal_data(user, event),
    }
