"""Error pages and error reports of the connector's views never show the organizer's secrets.

Django hides `@sensitive_variables` / `@sensitive_post_parameters` only when DEBUG is off. The connector's
secrets open a real Salesforce org, and a developer's DEBUG page is one screenshot away from a ticket, so
its views hide them with DEBUG on too."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.views.debug import SafeExceptionReporterFilter


class SecretsHiddenFilter(SafeExceptionReporterFilter):
    def is_active(self, request: HttpRequest | None) -> bool:
        return True


def secrets_hidden(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Apply the sensitive_* markers on this view's error pages whatever DEBUG says."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.exception_reporter_filter = SecretsHiddenFilter()
        return view(request, *args, **kwargs)

    return wrapper
