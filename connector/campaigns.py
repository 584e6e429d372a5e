"""The Salesforce campaign of an event: finding it by name, its member statuses, creating a missing one."""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from simple_salesforce import format_soql

from connector.salesforce.client import SalesforceClient

CAMPAIGN_SEARCH_LIMIT = 20
# Typo hints: campaigns sharing a word of 3+ letters with the typed name, at most this many words (the
# longest, which tell campaigns apart best) and candidates, ranked by similarity; shown above this ratio.
HINT_WORDS = 5
HINT_CANDIDATES = 200
HINT_MIN_SIMILARITY = 0.6
HINT_COUNT = 3


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
    """Every campaign whose name contains the trimmed name (one query; SOQL compares case-insensitively);
    exact matches win. Without one, the closest names become "Did you mean …?" hints: the same name but
    for spaces and letter case, else the names containing it, else (a second query, only then) real typos:
    names sharing a typed word, ranked by similarity."""
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
        if close:
            lookup.suggestions = close
        elif found:  # names containing what was typed: all plausible, the most similar first
            lookup.suggestions = _closest(wanted, found, minimum=0.0)
        else:
            lookup.suggestions = _closest(wanted, _sharing_a_word(client, wanted))
    return lookup


def _sharing_a_word(client: SalesforceClient, wanted: str) -> list[Campaign]:
    words = sorted({w for w in wanted.split() if len(w) >= 3}, key=len, reverse=True)[:HINT_WORDS]
    if not words:
        return []
    where = " OR ".join(["Name LIKE '%{:like}%'"] * len(words))
    soql = format_soql(f"SELECT Id, Name FROM Campaign WHERE {where} ORDER BY Name LIMIT {{}}", *words,
                       HINT_CANDIDATES)
    return _records(client.query(soql))


def _similarity(typed: str, candidate: str) -> float:
    return SequenceMatcher(None, typed.lower(), candidate.strip().lower()).ratio()


def _closest(
    wanted: str, candidates: list[Campaign], minimum: float = HINT_MIN_SIMILARITY
) -> list[Campaign]:
    """The most similar names first, only those similar enough to be what was meant. Two campaigns of one
    name make one hint: saving it asks which Id."""
    by_name = {c.name: c for c in candidates}
    scored = sorted((-_similarity(wanted, name), name) for name in by_name)
    return [by_name[name] for score, name in scored if -score >= minimum][:HINT_COUNT]


def campaign_soql(campaign_id: str) -> str:
    return format_soql("SELECT Id, Name FROM Campaign WHERE Id = {}", campaign_id)


def campaign_get(*, client: SalesforceClient, campaign_id: str) -> Campaign | None:
    rows = client.query(campaign_soql(campaign_id))
    return _records(rows)[0] if rows else None


@dataclass(frozen=True)
class CampaignMemberStatus:
    label: str
    has_responded: bool
    is_default: bool
    sort_order: int


def statuses_soql(campaign_id: str) -> str:
    return format_soql(
        "SELECT Id, Label, HasResponded, IsDefault, SortOrder FROM CampaignMemberStatus "
        "WHERE CampaignId = {} ORDER BY SortOrder",
        campaign_id,
    )


def statuses_from(rows: list[dict[str, Any]]) -> list[CampaignMemberStatus]:
    return [
        CampaignMemberStatus(
            row["Label"], bool(row["HasResponded"]), bool(row["IsDefault"]), int(row["SortOrder"] or 0)
        )
        for row in rows
    ]


def campaign_statuses(*, client: SalesforceClient, campaign_id: str) -> list[CampaignMemberStatus]:
    return statuses_from(client.query(statuses_soql(campaign_id)))


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
