"""The request a back-office view receives, as the type checker should see it.

Every back-office view is behind `login_required`, so its `request.user` is a signed-in `User`, never the
`AnonymousUser` that `HttpRequest` allows; and django-htmx's middleware sets `request.htmx` on every
request. Views annotate `request: SignedInRequest` to say so: at run time it is the plain `HttpRequest`
Django passes, nothing is converted or checked here (`login_required` is the check)."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class SignedInRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
