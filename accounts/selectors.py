"""Reads of the account side that a view makes for a user."""

from django.contrib.auth.models import User
from django.http import Http404

from accounts.models import Account
from accounts.permissions import accounts_visible_to


def account_get_for_user(*, user: User, slug: str) -> Account:
    """The account, or 404 when it does not exist or the user is not one of its members."""
    try:
        return accounts_visible_to(user).get(slug=slug)
    except Account.DoesNotExist as exc:
        raise Http404("No such account.") from exc
