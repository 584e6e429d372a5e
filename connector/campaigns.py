"""The Salesforce campaign of an event: finding it by name, its member statuses, creating a missing one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from simple_salesforce import format_soql

from connector.salesforce.client import SalesforceClient

CAMPAIGN_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class Campaign:
    id: str
    name: str


@dataclass
class CampaignLookup:
    """What a typed campaign name resolves to: exactly one campaign, several to choose from, or none
    (with the near misses an organizer most likely meant)."""

    name: str
    matches: list[Campaign] = field(default_factory=list)
    suggestions: list[Campaign] = field(default_factory=list)

    @property
    def campaign(self) -> Campaign | None:
        return self.matches[0] if len(self.matches) == 1 else None

    @property
    def message(self) -> str:
        if self.campaign:
            return f"Campaign found: {self.campaign.id}."
        if self.matches:
            return f"{len(self.matches)} campaigns are named “{self.name}”: choose one by its Id."
        if not self.name.strip():
            return "Enter the name of a Salesforce campaign."
        return f"No campaign is named “{self.name}” in Salesforce."


def _records(rows: list[dict[str, Any]]) -> list[Campaign]:
    return [Campaign(row["Id"], row["Name"]) for row in rows]


def campaign_find_by_name(*, client: SalesforceClient, name: str) -> CampaignLookup:
    """One query: every campaign whose name contains the trimmed name (SOQL compares case-insensitively);
    exact matches win, the rest become "Did you mean …?" hints for spaces and letter case."""
    lookup = CampaignLookup(name)
    wanted = name.strip()
    if not wanted:
        return lookup
    soql = format_soql(
        "SELECT Id, Name FROM Campaign WHERE Name LIKE '%{:like}%' ORDER BY Name LIMIT {}",
        wanted,
        CAMPAIGN_SEARCH_LIMIT,
    )
    found = _records(client.query(soql))
    lookup.matches = [c for c in found if c.name == name]
    if not lookup.matches:
        close = [c for c in found if c.name.strip().lower() == wanted.lower()]
        lookup.suggestions = close or found[:3]
    return lookup


def campaign_get(*, client: SalesforceClient, campaign_id: str) -> Campaign | None:
    rows = client.query(format_soql("SELECT Id, Name FROM Campaign WHERE Id = {}", campaign_id))
    return _records(rows)[0] if rows else None


@dataclass(frozen=True)
class CampaignMemberStatus:
    label: str
    has_responded: bool
    is_default: bool
    sort_order: int


def campaign_statuses(*, client: SalesforceClient, campaign_id: str) -> list[CampaignMemberStatus]:
    soql = format_soql(
        "SELECT Id, Label, HasResponded, IsDefault, SortOrder FROM CampaignMemberStatus "
        "WHERE CampaignId = {} ORDER BY SortOrder",
        campaign_id,
    )
    return [
        CampaignMemberStatus(
            row["Label"], bool(row["HasResponded"]), bool(row["IsDefault"]), int(row["SortOrder"] or 0)
        )
        for row in client.query(soql)
    ]


def campaign_status_create(
    *, client: SalesforceClient, campaign_id: str, label: str, responded: bool
) -> CampaignMemberStatus:
    """Add a CampaignMemberStatus to the campaign, after the existing ones (SortOrder is unique)."""
    existing = campaign_statuses(client=client, campaign_id=campaign_id)
    for status in existing:
        if status.label.lower() == label.lower():
            return status
    sort_order = max((s.sort_order for s in existing), default=0) + 1
    client.create(
        "CampaignMemberStatus",
        {"CampaignId": campaign_id, "Label": label, "HasResponded": responded, "SortOrder": sort_order},
    )
    return CampaignMemberStatus(label, responded, False, sort_order)
