"""The IP address of the person behind a request, for the public page's rate limits.

Behind our proxy (BEHIND_PROXY) REMOTE_ADDR is the proxy's own address, the same for everyone: the
client's is the last X-Forwarded-For entry, the one the proxy appended. Earlier entries come from the
client and can be anything, so they are never read."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.SECURE_PROXY_SSL_HEADER and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META["REMOTE_ADDR"]
