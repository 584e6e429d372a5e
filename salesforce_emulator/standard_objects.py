"""The standard objects the connector touches, with the real field shapes of docs/salesforce.md §2."""

from __future__ import annotations

from typing import Any

from salesforce_emulator.fields import field, picklist_values, read_only

LEAD_STATUSES = [
    "Open - Not Contacted",
    "Working - Contacted",
    "Closed - Converted",
    "Closed - Not Converted",
]
LEAD_DEFAULT_STATUS = LEAD_STATUSES[0]
_LEAD_SOURCES = ["Web", "Phone Inquiry", "Partner Referral", "Purchased List", "Other"]
_INDUSTRIES = ["Agriculture", "Banking", "Education", "Energy", "Hospitality", "Media", "Technology", "Other"]


def _system_fields(owned: bool = True, owners: tuple[str, ...] = ("User",)) -> list[dict[str, Any]]:
    """`owners`: a Lead may be owned by a queue (Group), so its OwnerId is polymorphic in real orgs."""
    fields = [
        read_only(
            "Id", "id", nillable=False, defaultedOnCreate=True, idLookup=True, label="Record ID", length=18
        ),
        read_only("IsDeleted", "boolean", label="Deleted"),
        read_only("CreatedDate", "datetime", nillable=False, defaultedOnCreate=True),
        read_only(
            "CreatedById",
            "reference",
            nillable=False,
            defaultedOnCreate=True,
            referenceTo=["User"],
            relationshipName="CreatedBy",
            label="Created By ID",
        ),
        read_only("LastModifiedDate", "datetime", nillable=False, defaultedOnCreate=True),
        read_only(
            "LastModifiedById",
            "reference",
            nillable=False,
            defaultedOnCreate=True,
            referenceTo=["User"],
            relationshipName="LastModifiedBy",
            label="Last Modified By ID",
        ),
        read_only(
            "SystemModstamp", "datetime", nillable=False, defaultedOnCreate=True, label="System Modstamp"
        ),
    ]
    if owned:
        fields.append(
            field(
                "OwnerId",
                "reference",
                nillable=False,
                defaultedOnCreate=True,
                referenceTo=list(owners),
                polymorphicForeignKey=len(owners) > 1,
                relationshipName="Owner",
                label="Owner ID",
            )
        )
    return fields


def _text(name: str, length: int, **overrides: Any) -> dict[str, Any]:
    return field(name, "string", length=length, **overrides)


def _description() -> dict[str, Any]:
    return field(
        "Description",
        "textarea",
        length=32000,
        filterable=False,
        sortable=False,
        groupable=False,
        extraTypeInfo="plaintextarea",
    )


def _email() -> dict[str, Any]:
    return field("Email", "email", length=80, idLookup=True)


def _picklist(name: str, values: list[str], **overrides: Any) -> dict[str, Any]:
    return field(name, "picklist", length=255, picklistValues=picklist_values(values), **overrides)


def _person_fields() -> list[dict[str, Any]]:
    return [
        # Set on the records a merge deleted: the Id of the record that won (SOAP API, merge()).
        read_only("MasterRecordId", "reference", referenceTo=["Lead", "Contact"], label="Master Record ID"),
        _text("FirstName", 40, label="First Name", extraTypeInfo="personname"),
        _text("LastName", 80, nillable=False, label="Last Name", extraTypeInfo="personname"),
        read_only(
            "Name",
            "string",
            length=121,
            nameField=True,
            nillable=False,
            extraTypeInfo="personname",
            label="Full Name",
        ),
        _text("Salutation", 40),
        _email(),
        _text("Title", 128),
        field("Phone", "phone", length=40),
        field("MobilePhone", "phone", length=40, label="Mobile Phone"),
        _picklist("LeadSource", _LEAD_SOURCES, label="Lead Source"),
        _description(),
    ]


ACCOUNT = [
    *_system_fields(),
    _text("Name", 255, nillable=False, nameField=True, label="Account Name"),
    _picklist("Type", ["Prospect", "Customer", "Partner", "Other"], label="Account Type"),
    _picklist("Industry", _INDUSTRIES),
    field("Website", "url", length=255),
    field("Phone", "phone", length=40, label="Account Phone"),
    _text("BillingCity", 40, label="Billing City"),
    _text("BillingCountry", 80, label="Billing Country"),
    _description(),
]

CONTACT = [
    *_system_fields(),
    field("AccountId", "reference", referenceTo=["Account"], relationshipName="Account", label="Account ID"),
    *_person_fields(),
    _text("Department", 80),
]

LEAD = [
    *_system_fields(owners=("Group", "User")),
    *_person_fields(),
    _text("Company", 255, nillable=False),
    _picklist("Industry", _INDUSTRIES),
    _text("City", 40),
    _text("Country", 80),
    field(
        "Status",
        "picklist",
        length=255,
        nillable=False,
        defaultedOnCreate=True,
        defaultValue=LEAD_DEFAULT_STATUS,
        picklistValues=picklist_values(LEAD_STATUSES, LEAD_DEFAULT_STATUS),
        label="Lead Status",
    ),
    field("IsConverted", "boolean", updateable=False, label="Converted"),
    read_only("ConvertedDate", "date", label="Converted Date"),
    read_only(
        "ConvertedContactId",
        "reference",
        referenceTo=["Contact"],
        relationshipName="ConvertedContact",
        label="Converted Contact ID",
    ),
    read_only(
        "ConvertedAccountId",
        "reference",
        referenceTo=["Account"],
        relationshipName="ConvertedAccount",
        label="Converted Account ID",
    ),
]

CAMPAIGN = [
    *_system_fields(),
    _text("Name", 80, nillable=False, nameField=True, label="Campaign Name"),
    field(
        "ParentId",
        "reference",
        referenceTo=["Campaign"],
        relationshipName="Parent",
        label="Parent Campaign ID",
    ),
    _picklist("Type", ["Conference", "Webinar", "Trade Show", "Email", "Other"]),
    _picklist("Status", ["Planned", "In Progress", "Completed", "Aborted"]),
    field("IsActive", "boolean", label="Active"),
    field("StartDate", "date", label="Start Date"),
    field("EndDate", "date", label="End Date"),
    _description(),
    read_only("NumberOfLeads", "int", digits=9, label="Leads in Campaign"),
    read_only("NumberOfContacts", "int", digits=9, label="Contacts in Campaign"),
]

CAMPAIGN_MEMBER = [
    *_system_fields(owned=False),
    field(
        "CampaignId",
        "reference",
        nillable=False,
        updateable=False,
        referenceTo=["Campaign"],
        relationshipName="Campaign",
        label="Campaign ID",
    ),
    field(
        "LeadId",
        "reference",
        updateable=False,
        referenceTo=["Lead"],
        relationshipName="Lead",
        label="Lead ID",
    ),
    field(
        "ContactId",
        "reference",
        updateable=False,
        referenceTo=["Contact"],
        relationshipName="Contact",
        label="Contact ID",
    ),
    field("Status", "picklist", length=40, picklistValues=picklist_values(["Sent", "Responded"], "Sent")),
    read_only("HasResponded", "boolean", label="Responded"),
    read_only("FirstRespondedDate", "date", label="First Responded Date"),
    read_only("Email", "email", length=80),
    read_only("FirstName", "string", length=40, label="First Name"),
    read_only("LastName", "string", length=80, label="Last Name"),
    read_only("Title", "string", length=128),
    read_only("CompanyOrAccount", "string", length=255, label="Company (Account)"),
    read_only(
        "LeadOrContactId",
        "reference",
        referenceTo=["Contact", "Lead"],
        polymorphicForeignKey=True,
        label="Lead or Contact ID",
    ),
]

CAMPAIGN_MEMBER_STATUS = [
    *_system_fields(owned=False),
    field(
        "CampaignId",
        "reference",
        nillable=False,
        updateable=False,
        referenceTo=["Campaign"],
        relationshipName="Campaign",
        label="Campaign ID",
    ),
    _text("Label", 765, nillable=False, label="Member Status"),
    field("HasResponded", "boolean", label="Responded"),
    field("IsDefault", "boolean", label="Default"),
    field("SortOrder", "int", digits=9, label="Sort Order"),
]

USER = [
    *(f for f in _system_fields(owned=False)),
    read_only("Username", "string", length=80, nillable=False),
    read_only("FirstName", "string", length=40, label="First Name"),
    read_only("LastName", "string", length=80, nillable=False, label="Last Name"),
    read_only("Name", "string", length=121, nameField=True, label="Full Name"),
    read_only("Email", "email", length=128, nillable=False),
    read_only("Alias", "string", length=8, nillable=False),
    read_only("IsActive", "boolean", label="Active"),
]

STANDARD_OBJECTS: dict[str, dict[str, Any]] = {
    "Account": {"label": "Account", "labelPlural": "Accounts", "fields": ACCOUNT},
    "Contact": {"label": "Contact", "labelPlural": "Contacts", "fields": CONTACT},
    "Lead": {"label": "Lead", "labelPlural": "Leads", "fields": LEAD},
    "Campaign": {"label": "Campaign", "labelPlural": "Campaigns", "fields": CAMPAIGN},
    "CampaignMember": {
        "label": "Campaign Member",
        "labelPlural": "Campaign Members",
        "fields": CAMPAIGN_MEMBER,
    },
    "CampaignMemberStatus": {
        "label": "Campaign Member Status",
        "labelPlural": "Campaign Member Statuses",
        "fields": CAMPAIGN_MEMBER_STATUS,
    },
    "User": {"label": "User", "labelPlural": "Users", "fields": USER},
}
