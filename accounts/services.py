"""Writes of the account side: accounts, memberships, and giving an event to a member."""

from django.contrib.auth.models import User

from accounts.models import Account, AccountMembership, Role
from accounts.permissions import AccountEvent


def account_ensure(*, slug: str, name: str) -> Account:
    """The account with this slug, created with `name` when missing."""
    account, _ = Account.objects.get_or_create(slug=slug, defaults={"name": name})
    return account


def membership_grant(
    *,
    account: Account,
    user: User,
    role: str = Role.ORGANIZER,
    can_export_personal_data: bool = False,
) -> AccountMembership:
    """Make `user` a member of `account` with `role` (an existing membership takes the new role)."""
    membership, _ = AccountMembership.objects.update_or_create(
        account=account,
        user=user,
        defaults={"role": role, "can_export_personal_data": can_export_personal_data},
    )
    return membership


def event_give(*, event: AccountEvent, user: User, role: str = Role.ORGANIZER) -> None:
    """Give `event` to `user`: a member of its account with `role` (kept when already a member), and one of
    the event's organizers or staff."""
    AccountMembership.objects.get_or_create(account_id=event.account_id, user=user, defaults={"role": role})
    event.members.add(user)
