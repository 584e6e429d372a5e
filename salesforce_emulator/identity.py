"""The identity URL's answer (`/id/{orgId}/{userId}`) with the keys and URL forms real orgs send."""

from __future__ import annotations

from typing import Any


def identity_answer(host: str, org_id: str, user: Any) -> dict[str, Any]:
    """As recorded from real orgs (tests/emulator/recordings); SOAP URLs carry the 15-character org id."""
    rest = f"{host}/services/data/v{{version}}"

    def soap(kind: str) -> str:
        return f"{host}/services/Soap/{kind}/{{version}}/{org_id[:15]}"

    return {
        "id": f"{host}/id/{org_id}/{user.id}",
        "asserted_user": True,
        "user_id": user.id,
        "organization_id": org_id,
        "username": user.username,
        "nick_name": user.username.split("@")[0],
        "display_name": user.display_name,
        "email": user.email,
        "email_verified": True,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "timezone": "Europe/Paris",
        "photos": {"picture": f"{host}/profilephoto/005/F", "thumbnail": f"{host}/profilephoto/005/T"},
        "addr_street": None,
        "addr_city": None,
        "addr_state": None,
        "addr_country": None,
        "addr_zip": None,
        "mobile_phone": None,
        "mobile_phone_verified": False,
        "is_lightning_login_user": False,
        "status": {"created_date": None, "body": None},
        "urls": {
            "enterprise": soap("c"),
            "metadata": soap("m"),
            "partner": soap("u"),
            "rest": rest + "/",
            "sobjects": rest + "/sobjects/",
            "search": rest + "/search/",
            "query": rest + "/query/",
            "recent": rest + "/recent/",
            "tooling_soap": soap("T"),
            "tooling_rest": rest + "/tooling/",
            "profile": f"{host}/{user.id}",
            "feeds": rest + "/chatter/feeds",
            "groups": rest + "/chatter/groups",
            "users": rest + "/chatter/users",
            "feed_items": rest + "/chatter/feed-items",
            "feed_elements": rest + "/chatter/feed-elements",
            "custom_domain": host,
        },
        "active": True,
        "user_type": "STANDARD",
        "language": "en_US",
        "locale": "en_US",
        "utcOffset": 3600000,
        "last_modified_date": "2025-01-01T00:00:00Z",
        "is_app_installed": True,
    }
