"""The account page: its events (those the user may open) and, for its admins, its members and roles.
Thin: the account is resolved through `account_get_for_user` (404 for anyone outside it)."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.permissions import can_manage_account, events_visible_filter
from accounts.selectors import account_get_for_user
from backoffice.signed_in_request import SignedInRequest


@login_required
@require_GET
def account_detail(request: SignedInRequest, account: str) -> HttpResponse:
    found = account_get_for_user(user=request.user, slug=account)
    events = found.events.filter(events_visible_filter(request.user))
    events = events.annotate(participant_count=Count("participants"))
    is_admin = can_manage_account(request.user, found)
    memberships = found.memberships.select_related("user") if is_admin else None
    context = {"account": found, "events": events, "is_admin": is_admin, "memberships": memberships}
    return render(request, "accounts/account.html", context)
