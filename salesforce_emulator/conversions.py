"""Lead conversion and merges, as an admin would do them in the org between a sync's look-up and its writes.

Salesforce (Lead object reference; "Convert Leads"): a converted Lead gets `IsConverted = true`,
`ConvertedContactId`, `ConvertedAccountId`, `ConvertedDate` and a converted status, and can no longer be
updated (`CANNOT_UPDATE_CONVERTED_LEAD`, "cannot reference converted lead"). A merge (SOAP API `merge()`)
keeps the master record and deletes the others, each with `MasterRecordId` set to the master; their related
records (campaign memberships among them) move to the master.

Not settled by public sources, so a setting (`converted_lead_members`): what conversion does to the Lead's
CampaignMember rows. "add_contact" (the default): the member also gets the Contact's Id and keeps the
LeadId; "unchanged": the member keeps pointing to the Lead only."""

from __future__ import annotations

import datetime
from typing import Any

from salesforce_emulator import dml, ids
from salesforce_emulator.errors import RecordError, not_found

CONVERTED_STATUS = "Closed - Converted"
_CONTACT_FIELDS = ("FirstName", "LastName", "Salutation", "Email", "Title", "Phone", "MobilePhone",
                   "LeadSource", "Description")
MEMBER_POLICIES = ("add_contact", "unchanged")


def convert_lead(emulator: Any, lead_id: str, *, account_id: str = "") -> dict[str, str]:
    """Convert a Lead into a new Contact (under `account_id` when given); {"contact_id", "account_id"}."""
    with emulator.store.write_lock:
        tx = emulator.store.begin()
        ctx = dml.WriteContext(org=emulator.org, tx=tx, system=True, user_id=emulator.org.users[0].id)
        lead = dml.existing(ctx, "Lead", ids.normalize(lead_id) if ids.is_valid_id(lead_id) else lead_id)
        if lead.get("IsConverted"):
            raise RecordError("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", [])
        values = {name: lead.get(name) for name in _CONTACT_FIELDS if lead.get(name) is not None}
        if account_id:
            values["AccountId"] = account_id
        contact = dml.create(ctx, "Contact", values)
        stamp = dml.now()
        tx.put({**lead, "IsConverted": True, "ConvertedContactId": contact["Id"],
                "ConvertedAccountId": account_id or None, "ConvertedDate": datetime.date.today().isoformat(),
                "Status": CONVERTED_STATUS, "LastModifiedDate": stamp, "SystemModstamp": stamp})
        if emulator.org.settings.converted_lead_members == "add_contact":
            for member in emulator.store.records("CampaignMember"):
                if member.get("LeadId") == lead["Id"]:
                    tx.put({**member, "ContactId": contact["Id"], "LeadOrContactId": contact["Id"],
                            "LastModifiedDate": stamp, "SystemModstamp": stamp})
        tx.commit()
    return {"contact_id": contact["Id"], "account_id": account_id}


def merge(emulator: Any, master_id: str, loser_ids: list[str]) -> None:
    """Merge Leads or Contacts into `master_id`: losers deleted with MasterRecordId, memberships moved
    (a membership in a campaign the master is already in is deleted with its record)."""
    with emulator.store.write_lock:
        tx = emulator.store.begin()
        ctx = dml.WriteContext(org=emulator.org, tx=tx, system=True)
        object_name = ids.object_for_id(master_id)
        if object_name is None:  # not an Id of any object: no such record
            raise not_found()
        master = dml.existing(ctx, object_name, master_id)
        stamp = dml.now()
        for loser_id in loser_ids:
            loser = dml.existing(ctx, object_name, loser_id)
            tx.put({**loser, "IsDeleted": True, "MasterRecordId": master["Id"],
                    "LastModifiedDate": stamp, "SystemModstamp": stamp})
            key = "LeadId" if object_name == "Lead" else "ContactId"
            for member in [m for m in tx.records("CampaignMember") if m.get(key) == loser["Id"]]:
                taken = tx.lookup("member", (member["CampaignId"], master["Id"]))
                moved = {key: master["Id"], "LeadOrContactId": master["Id"], "Email": master.get("Email")}
                tx.put({**member, **({"IsDeleted": True} if taken else moved), "SystemModstamp": stamp})
        tx.commit()
