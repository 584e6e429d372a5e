"""Typed read access to the JSON field mappings of a setup: `{participant field key: Salesforce field}`."""

from collections.abc import Mapping
from dataclasses import dataclass, field

MAPPED_OBJECTS = ("Contact", "Lead", "CampaignMember")


@dataclass(frozen=True)
class Mappings:
    contact: Mapping[str, str] = field(default_factory=dict)
    lead: Mapping[str, str] = field(default_factory=dict)
    campaign_member: Mapping[str, str] = field(default_factory=dict)

    def for_object(self, object_name: str) -> Mapping[str, str]:
        return {"Contact": self.contact, "Lead": self.lead, "CampaignMember": self.campaign_member}[
            object_name
        ]
