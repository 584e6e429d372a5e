"""The look-up Composite at Salesforce's limits: 1,000 participants per call, statements within 100,000
characters (the emulator refuses a longer one with MALFORMED_QUERY, as Salesforce does)."""

from connector.connection_client import client_for_connection
from connector.selectors import connection_for_event
from salesforce_emulator import ids
from sync import lookups
from tests.sync.conftest import campaign_id


def _seed_leads(emulator, emails):
    store = emulator.emulator.store
    lead = next(r for r in store.records("Lead") if not r.get("IsConverted"))
    lead_ids = []
    with store.write_lock:
        tx = store.begin()
        for i, email in enumerate(emails):
            lead_ids.append(ids.new_record_id("Lead"))
            tx.put({**lead, "Id": lead_ids[-1], "Email": email, "LastName": f"Seeded {i}"})
        tx.commit()
    return lead_ids


def _composites(emulator):
    return emulator.stats()["by_endpoint"].get("POST /composite", 0)


def test_1000_participants_are_looked_up_in_one_composite_call(connected_event, salesforce_emulator):
    emails = [f"person{i}@example.org" for i in range(1000)]
    _seed_leads(salesforce_emulator, emails[::2])
    client = client_for_connection(connection_for_event(connected_event))
    before = salesforce_emulator.stats()["api_calls"]
    found = lookups.people_lookup(client, emails=emails, campaign_id=campaign_id(salesforce_emulator))
    assert salesforce_emulator.stats()["api_calls"] - before == 1
    assert {lead.email for lead in found.leads} >= set(emails[::2])
    assert found.statuses  # the campaign's statuses came in the same call


def test_1000_longest_emails_with_their_linked_ids_split_into_composites_within_the_statement_limit(
    connected_event, salesforce_emulator
):
    # 80 characters, the longest address a Salesforce Email field holds: 1,000 of them and 1,000 Ids make
    # a members statement of about 105,000 characters, which Salesforce refuses.
    emails = [f"{i:04d}.{'x' * 51}@long-domain.example.org" for i in range(1000)]
    assert {len(e) for e in emails} == {80}
    lead_ids = _seed_leads(salesforce_emulator, emails)
    client = client_for_connection(connection_for_event(connected_event))
    before = _composites(salesforce_emulator)
    found = lookups.people_lookup(client, emails=emails, linked_ids=lead_ids,
                                  campaign_id=campaign_id(salesforce_emulator))
    assert _composites(salesforce_emulator) - before == 2
    assert sorted(lead.id for lead in found.leads) == sorted(lead_ids)  # each once, found in one group
    assert found.statuses

    groups = lookups._query_groups(emails, [], lead_ids, campaign_id(salesforce_emulator), True)
    assert len(groups) == 2 and all(len(s) <= lookups.MAX_STATEMENT for g in groups for s in g.values())
    whole = lookups._queries(emails, [], lead_ids, campaign_id(salesforce_emulator), True)
    assert max(len(s) for s in whole.values()) > lookups.MAX_STATEMENT  # one Composite would be refused
