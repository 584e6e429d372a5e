"""An org as loaded from its JSON file: users, connected apps, settings, custom fields and seed records."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salesforce_emulator import ids
from salesforce_emulator.schema import Schema

DEMO_ORG = Path(__file__).resolve().parent / "orgs" / "demo.json"
DUPLICATE_RULE_ACTIONS = ("off", "allow", "block")
STATUS_POLICIES = ("reject", "default")
CONVERTED_MEMBER_POLICIES = ("add_contact", "unchanged")
MEMBER_COPIES = ("follow", "frozen")


@dataclass
class Settings:
    # A new org's standard duplicate rules are active, action "Allow" + alert: "allow"; or "block", "off"
    duplicate_rules: str = "allow"
    campaign_member_status_policy: str = "reject"  # unknown Status: "reject" or assign the "default"
    converted_lead_members: str = "add_contact"  # a converted Lead's members: "add_contact" or "unchanged"
    # CampaignMember's Email, FirstName, LastName, Title: "follow" the person's changes, or stay "frozen"
    member_copies: str = "follow"
    # Users without the Marketing User flag: they can neither read nor write CampaignMemberStatus.
    non_marketing_users: tuple[str, ...] = ()
    code_ttl_seconds: int = 600
    max_approvals_per_app: int = 5

    def update(self, values: dict[str, Any]) -> None:
        if values.get("duplicate_rules", self.duplicate_rules) not in DUPLICATE_RULE_ACTIONS:
            raise ValueError(f"duplicate_rules must be one of {DUPLICATE_RULE_ACTIONS}")
        if (
            values.get("campaign_member_status_policy", self.campaign_member_status_policy)
            not in STATUS_POLICIES
        ):
            raise ValueError(f"campaign_member_status_policy must be one of {STATUS_POLICIES}")
        if values.get("converted_lead_members", self.converted_lead_members) not in CONVERTED_MEMBER_POLICIES:
            raise ValueError(f"converted_lead_members must be one of {CONVERTED_MEMBER_POLICIES}")
        if values.get("member_copies", self.member_copies) not in MEMBER_COPIES:
            raise ValueError(f"member_copies must be one of {MEMBER_COPIES}")
        for key, value in values.items():
            if hasattr(self, key):
                setattr(self, key, tuple(value) if key == "non_marketing_users" else value)

    def is_marketing_user(self, username: str) -> bool:
        return username.lower() not in {u.lower() for u in self.non_marketing_users}


@dataclass
class User:
    id: str
    username: str
    password: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.username


@dataclass
class ConnectedApp:
    name: str
    consumer_key: str
    consumer_secret: str
    callback_urls: list[str]
    refresh_token_rotation: bool = False
    scopes: str = "api refresh_token id"


@dataclass
class Org:
    id: str
    name: str
    schema: Schema
    settings: Settings
    users: list[User]
    connected_apps: list[ConnectedApp]
    validation_rules: list[dict[str, Any]] = field(default_factory=list)
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def app(self, consumer_key: str) -> ConnectedApp | None:
        return next((a for a in self.connected_apps if a.consumer_key == consumer_key), None)

    def user_by_name(self, username: str) -> User | None:
        return next((u for u in self.users if u.username.lower() == username.lower()), None)

    def user_by_id(self, user_id: str) -> User | None:
        return next((u for u in self.users if u.id == user_id), None)

    def add_user(self, username: str, password: str) -> None:
        existing = self.user_by_name(username)
        if existing:
            existing.password = password
        else:
            self.users.append(
                User(
                    stable_id("005", username),
                    username,
                    password,
                    last_name=username.split("@")[0],
                    email=username,
                )
            )

    def add_app(self, consumer_key: str, consumer_secret: str, callback_urls: list[str]) -> None:
        existing = self.app(consumer_key)
        if existing:
            existing.consumer_secret = consumer_secret
            existing.callback_urls = list(dict.fromkeys(existing.callback_urls + callback_urls))
        else:
            self.connected_apps.append(
                ConnectedApp(f"App {consumer_key}", consumer_key, consumer_secret, callback_urls)
            )


def stable_id(prefix: str, seed: str) -> str:
    """An Id derived from a name, so an org keeps its org and user Ids across restarts."""
    digest = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big")
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    body = ""
    for _ in range(9):
        digest, rest = divmod(digest, 62)
        body += alphabet[rest]
    return ids.to18(prefix + "Em0" + body)


def load_org(path: Path | None = None) -> Org:
    data = json.loads((path or DEMO_ORG).read_text())
    name = data.get("name", "Emulator Org")
    settings = Settings()
    settings.update(data.get("settings", {}))
    users = [
        User(
            stable_id("005", u["username"]),
            u["username"],
            u["password"],
            u.get("first_name", ""),
            u.get("last_name", ""),
            u.get("email", u["username"]),
        )
        for u in data.get("users", [])
    ]
    apps = [
        ConnectedApp(
            a.get("name", a["consumer_key"]),
            a["consumer_key"],
            a["consumer_secret"],
            list(a["callback_urls"]),
            a.get("refresh_token_rotation", False),
            a.get("scopes", "api refresh_token id"),
        )
        for a in data.get("connected_apps", [])
    ]
    return Org(
        id=stable_id("00D", name),
        name=name,
        schema=Schema(data.get("custom_fields", {})),
        settings=settings,
        users=users,
        connected_apps=apps,
        validation_rules=data.get("validation_rules", []),
        records=data.get("records", {}),
    )
