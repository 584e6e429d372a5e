"""The account's Salesforce page (its admins only): connections, the events using each, the org's API
usage today and the events' sync health (both through sync's template tags); disconnecting a connection
from there."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Account
from accounts.permissions import can_manage_account
from accounts.selectors import account_get_for_user
from backoffice.signed_in_request import SignedInRequest
from connector import services
from connector.account_selectors import account_connections_overview
from connector.models import SalesforceConnection


def _account_for_admin(request: SignedInRequest, slug: str) -> Account:
    account = account_get_for_user(user=request.user, slug=slug)
    if not can_manage_account(request.user, account):
        raise PermissionDenied("Only the account's admins manage its Salesforce connections.")
    return account


@login_required
@require_GET
def account_salesforce(request: SignedInRequest, account: str) -> HttpResponse:
    found = _account_for_admin(request, account)
    context = {
        "account": found,
        "connections": account_connections_overview(account=found),
    }
    return render(request, "connector/account_salesforce.html", context)


@login_required
@require_POST
def account_connection_disconnect(request: SignedInRequest, account: str, pk: int) -> HttpResponse:
    found = _account_for_admin(request, account)
    connection = SalesforceConnection.objects.filter(account=found, pk=pk).first()
    if connection is None:
        raise Http404("No such connection.")
    stopped = connection.setups.count()
    warning = services.connection_cut(connection=connection)
    if warning:
        messages.warning(request, warning)
    else:
        messages.success(request, f"Disconnected: {stopped} event(s) stop sending to Salesforce.")
    return redirect("connector:account_salesforce", account=found.slug)
