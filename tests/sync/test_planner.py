"""The sync rules, planned without network: what Salesforce must end up holding for each participant."""

from hypothesis import given, settings
from hypothesis import strategies as st

from sync.planner import (
    CONTACT,
    LEAD,
    InFlight,
    Lookup,
    ParticipantIn,
    PlannerSetup,
    SalesforceMember,
    SalesforcePerson,
    plan_batch,
    statuses_gone,
)

SETUP = PlannerSetup(
    campaign_id="701000000000001AAA",
    registered_status="Registered",
    came_status="Attended",
    allow_creating_leads=True,
    allow_data_update=True,
    default_company="Unknown company",
    mappings={LEAD: {"job_title": "Title", "topics": "Topics__c"}, CONTACT: {"job_title": "Title"}},
    field_types={"topics": "MultiselectList", "job_title": "Text"},
    field_lengths={LEAD: {"Title": 10, "FirstName": 40, "Company": 255}, CONTACT: {"Title": 10}},
)


def person(pid, obj="Contact", email="ana@example.com", modified="2024-01-01T00:00:00.000+0000", **kw):
    return SalesforcePerson(pid, obj, email, modified, **kw)


NOTHING = Lookup()


def one(participant, lookup=NOTHING, setup=SETUP):
    return plan_batch(participants=[participant], setup=setup, lookup=lookup)[0]


def ana(**kw):
    return ParticipantIn(1, kw.pop("email", " Ana@Example.com "), "Ana", "Lima", **kw)


def test_unknown_email_becomes_a_lead_with_the_default_company_and_its_membership():
    plan = one(ana(is_registered=True))
    assert plan.object_name == LEAD and plan.creates_person
    assert plan.person_fields == {"Email": "Ana@Example.com", "FirstName": "Ana", "LastName": "Lima",
                                  "Company": "Unknown company"}
    assert plan.member_fields == {"Status": "Registered"}


def test_unknown_email_becomes_a_contact_when_creating_leads_is_off():
    setup = PlannerSetup(**{**SETUP.__dict__, "allow_creating_leads": False})
    plan = one(ana(), setup=setup)
    assert plan.object_name == CONTACT and plan.creates_person and "Company" not in plan.person_fields


def test_contact_is_preferred_to_lead_and_email_matches_case_insensitively():
    lookup = Lookup(contacts=[person("003C", email="ANA@example.com")], leads=[person("00QL", LEAD)])
    plan = one(ana(), lookup)
    assert (plan.object_name, plan.person_id) == (CONTACT, "003C")


def test_converted_lead_leads_to_its_contact():
    lookup = Lookup(leads=[person("00QL", LEAD, is_converted=True, converted_contact_id="003X")])
    plan = one(ana(), lookup)
    assert (plan.object_name, plan.person_id) == (CONTACT, "003X")
    assert "converted" in plan.notes[0]


def test_several_matches_pick_the_most_recently_modified_and_say_so():
    lookup = Lookup(contacts=[person("003A", modified="2024-01-01T00:00:00.000+0000"),
                              person("003B", modified="2025-01-01T00:00:00.000+0000")])
    plan = one(ana(), lookup)
    assert plan.person_id == "003B"
    assert "2 Contacts" in plan.notes[0]


def test_existing_person_is_only_linked_when_data_update_is_off():
    setup = PlannerSetup(**{**SETUP.__dict__, "allow_data_update": False})
    plan = one(ana(has_come=True), Lookup(leads=[person("00QL", LEAD)]), setup)
    assert plan.person_fields is None
    assert plan.member_fields == {"Status": "Attended"}


def test_mapped_values_are_converted_and_cut_with_a_warning():
    participant = ana(values={"job_title": "Head of everything", "topics": ["AI", "Data"]})
    plan = one(participant)
    assert plan.person_fields["Title"] == "Head of ev"
    assert plan.person_fields["Topics__c"] == "AI;Data"
    assert plan.warnings == ["Lead.Title cut to 10 characters (the value had 18)."]


def test_came_status_is_never_downgraded_to_registered():
    lookup = Lookup(contacts=[person("003C")], members=[SalesforceMember("00v1", "003C", "Attended")])
    plan = one(ana(is_registered=True, has_come=False), lookup)
    assert plan.member_id == "00v1" and plan.member_status == "Attended"


def test_neither_registered_nor_came_creates_no_membership_and_leaves_one_alone():
    assert one(ana()).member_fields is None
    lookup = Lookup(contacts=[person("003C")], members=[SalesforceMember("00v1", "003C", "Sent")])
    plan = one(ana(), lookup)
    assert plan.member_fields is None and plan.member_id == "00v1"


def test_unchanged_participant_since_last_sync_plans_no_write():
    first = one(ana(is_registered=True, values={"job_title": "CTO"}))
    lookup = Lookup(leads=[person("00QL", LEAD)], members=[SalesforceMember("00v1", "00QL", "Registered")])
    again = one(ana(is_registered=True, values={"job_title": "CTO"}, salesforce_id="00QL",
                    sent_hash=first.sent_hash), lookup)
    assert not again.has_writes
    changed = one(ana(is_registered=True, values={"job_title": "CEO"}, salesforce_id="00QL",
                      sent_hash=first.sent_hash), lookup)
    assert changed.person_fields["Title"] == "CEO" and changed.member_fields is None


emails = st.sampled_from(["a@x.com", "A@x.com", "b@x.com", " b@X.com", "c@x.com"])


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.tuples(emails, st.booleans(), st.booleans()), min_size=1, max_size=12),
    known=st.lists(st.tuples(emails, st.sampled_from(["Contact", "Lead"]), st.sampled_from(
        ["Sent", "Registered", "Attended", None])), max_size=6),
    leads=st.booleans(), update=st.booleans(),
)
def test_never_two_creates_for_one_email_and_never_a_downgrade(rows, known, leads, update):
    setup = PlannerSetup(**{**SETUP.__dict__, "allow_creating_leads": leads, "allow_data_update": update})
    people, members = [], []
    for i, (email, obj, status) in enumerate(known):
        pid = f"{'003' if obj == 'Contact' else '00Q'}{i:015d}"
        people.append(person(pid, obj, email, f"2024-01-{i + 1:02d}"))
        if status:
            members.append(SalesforceMember(f"00v{i:015d}", pid, status))
    lookup = Lookup(contacts=[p for p in people if p.object_name == CONTACT],
                    leads=[p for p in people if p.object_name == LEAD], members=members)
    participants = [
        ParticipantIn(i, e, "F", "L", is_registered=r, has_come=c) for i, (e, r, c) in enumerate(rows)
    ]
    plans = plan_batch(participants=participants, setup=setup, lookup=lookup)
    created = [p.email_key for p in plans if p.creates_person]
    assert len(created) == len(set(created))
    known_keys = {p.email.strip().lower() for p in people}
    assert not set(created) & known_keys
    status_of = {m.person_id: m.status for m in members}
    for plan, participant in zip(plans, participants, strict=True):
        if plan.deferred:
            continue
        if status_of.get(plan.person_id) == "Attended":
            assert plan.member_status == "Attended"
        if plan.person_id and not update:
            assert plan.person_fields is None
        if plan.creates_person and plan.object_name == LEAD:
            assert plan.person_fields["Company"]
        if not (participant.is_registered or participant.has_come):
            assert plan.member_fields is None


SCORED = PlannerSetup(**{**SETUP.__dict__, "mappings": {LEAD: {"score": "Score__c"}},
                         "field_types": {"score": "Number"}})


def test_a_stored_nan_or_huge_number_is_refused_with_a_reason_and_nothing_is_written():
    for stored in ("nan", "inf", float("nan"), float("-inf"), "1e400000", 10**18, -(10**400)):
        plan = one(ana(is_registered=True, values={"score": stored}), setup=SCORED)
        assert plan.refused.startswith("The field score: ")
        assert "not a number Salesforce can take" in plan.refused
        assert not plan.has_writes


def test_a_stored_number_as_text_is_sent_as_a_number():
    plan = one(ana(is_registered=True, values={"score": " 12,5 "}), setup=SCORED)
    assert plan.person_fields["Score__c"] == 12.5 and not plan.refused


def test_a_linked_record_the_email_no_longer_finds_is_kept_and_its_own_email_left_alone():
    lookup = Lookup(leads=[person("00QOLD", LEAD, email="old@example.com")])
    plan = one(ana(salesforce_id="00QOLD", is_registered=True), lookup)
    assert (plan.object_name, plan.person_id) == (LEAD, "00QOLD") and not plan.creates_person
    assert "Email" not in plan.person_fields and plan.person_fields["LastName"] == "Lima"


def test_a_linked_record_merged_away_or_converted_is_followed():
    merged = Lookup(leads=[person("00QLOSER", LEAD, email="x@example.com", is_deleted=True,
                                  master_record_id="00QMASTER")])
    plan = one(ana(salesforce_id="00QLOSER"), merged)
    assert (plan.object_name, plan.person_id) == (LEAD, "00QMASTER") and "Email" not in plan.person_fields
    converted = Lookup(leads=[person("00QCONV", LEAD, email="x@example.com", is_converted=True,
                                     converted_contact_id="003NEW")])
    plan = one(ana(salesforce_id="00QCONV"), converted)
    assert (plan.object_name, plan.person_id) == (CONTACT, "003NEW") and "Email" not in plan.person_fields


def test_the_contact_of_a_converted_lead_found_by_email_keeps_its_own_email():
    lookup = Lookup(leads=[person("00QCONV", LEAD, is_converted=True, converted_contact_id="003OTHER")])
    plan = one(ana(), lookup)
    assert (plan.object_name, plan.person_id) == (CONTACT, "003OTHER") and "Email" not in plan.person_fields


def test_a_deleted_record_with_this_email_is_never_matched():
    lookup = Lookup(contacts=[person("003GONE", is_deleted=True)])
    assert one(ana(), lookup).creates_person


def test_statuses_gone_lists_the_configured_statuses_the_campaign_lost():
    assert statuses_gone(SETUP, Lookup(statuses=["Sent", "registered", "Checked in"])) == ["Attended"]
    assert statuses_gone(SETUP, Lookup(statuses=["Registered", "Attended"])) == []
    assert statuses_gone(SETUP, Lookup()) == []  # not read: nothing to say


def test_a_participant_whose_person_the_batch_in_flight_wrote_is_deferred_to_be_looked_up_again():
    """The look-up ran while the batch before wrote: what it says of that batch's people may be stale."""
    known = Lookup(contacts=[person("003000000000001AAA")])
    busy = InFlight(frozenset({"someone.else@example.com"}), frozenset({"003000000000001AAA"}))
    [plan] = plan_batch(participants=[ana(is_registered=True)], setup=SETUP, lookup=known, busy=busy)
    assert plan.deferred and not plan.has_writes
    [plan] = plan_batch(participants=[ana(is_registered=True)], setup=SETUP, lookup=known,
                        busy=InFlight(frozenset(), frozenset({"003000000000009AAA"})))
    assert not plan.deferred and plan.person_id == "003000000000001AAA"


def test_a_participant_linked_to_a_person_the_batch_in_flight_wrote_is_deferred_even_if_not_found():
    [plan] = plan_batch(participants=[ana(salesforce_id="00Q000000000002AAA")], setup=SETUP, lookup=NOTHING,
                        busy=InFlight(frozenset(), frozenset({"00Q000000000002AAA"})))
    assert plan.deferred and not plan.creates_person


def test_an_email_of_the_batch_in_flight_is_deferred_never_created_twice():
    busy = InFlight(frozenset({"ana@example.com"}))
    [plan] = plan_batch(participants=[ana(is_registered=True)], setup=SETUP, lookup=NOTHING, busy=busy)
    assert plan.deferred and not plan.creates_person
