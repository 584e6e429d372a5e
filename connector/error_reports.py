"""Error pages and error reports never show the organizer's secrets.

Django hides `@sensitive_variables` / `@sensitive_post_parameters` only when DEBUG is off. The connector's
secrets open a real Salesforce org, and a developer's DEBUG page is one screenshot away from a ticket, so
the whole site hides them with DEBUG on too (settings.DEFAULT_EXCEPTION_REPORTER_FILTER)."""

from __future__ import annotations

from django.http import HttpRequest
from django.views.debug import SafeExceptionReporterFilter


class SecretsHiddenFilter(SafeExceptionReporterFilter):
    def is_active(self, request: HttpRequest | None) -> bool:
        return True
