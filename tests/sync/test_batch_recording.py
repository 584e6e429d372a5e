"""Recording a batch's outcomes on the participant rows (sync.batches.outcomes_record), on the real
database: what each participant's row says afterwards, and that a batch of 1,000 costs a few statements."""

from events.models import Participant, SyncState
from sync.batches import outcomes_record
from sync.executor import Outcome
from sync.models import SyncAttempt
from sync.planner import ParticipantPlan


def _plan(participant: Participant, n: int) -> ParticipantPlan:
    return ParticipantPlan(
        participant.pk, participant.email, "Lead", person_id=f"00Q{n:015d}", member_id=f"00v{n:015d}",
        person_fields={"Email": participant.email, "LastName": f"Doe{n}"},
        member_fields={"Status": "Registered"}, member_status="Registered", sent_hash=f"{n:032d}",
    )


def test_a_batch_of_1000_is_recorded_in_a_few_statements_and_an_edit_made_meanwhile_stays_pending(
    event, django_assert_max_num_queries
):
    Participant.objects.bulk_create(
        [Participant(event=event, email=f"person{i}@example.org", change_counter=1) for i in range(1000)]
    )
    rows = list(event.participants.order_by("id"))
    outcomes = [Outcome(_plan(p, n)) for n, p in enumerate(rows)]
    outcomes[1].plan.warnings.append("Lead.Title cut to 128 characters (the value had 200).")
    outcomes[2] = Outcome(_plan(rows[2], 2), error_code="REQUIRED_FIELD_MISSING", error_message="Last Name")
    outcomes[3].retry = True  # a locked row: stays pending with what is already known
    outcomes[4] = Outcome(ParticipantPlan(rows[4].pk, rows[4].email, "", deferred=True))
    counters = {p.pk: p.change_counter for p in rows}
    Participant.objects.filter(pk=rows[0].pk).update(change_counter=2)  # edited while the batch was in flight

    with django_assert_max_num_queries(20):
        synced, failed = outcomes_record(outcomes=outcomes, counters=counters)

    assert (synced, failed) == (996, 1)
    after = {p.pk: p for p in event.participants.all()}
    edited, warned, refused, locked, deferred = (after[p.pk] for p in rows[:5])
    assert edited.salesforce_sync_state == SyncState.PENDING  # sent again with the newer edit
    assert edited.salesforce_id == "00Q000000000000000"  # the Id is kept: the next batch links, never creates
    assert edited.salesforce_synced_counter == 0
    assert warned.salesforce_sync_state == SyncState.SYNCED
    assert warned.salesforce_warnings == ["Lead.Title cut to 128 characters (the value had 200)."]
    assert warned.salesforce_sent_hash == f"{1:032d}" and warned.salesforce_synced_counter == 1
    assert warned.salesforce_campaign_member_id == f"00v{1:015d}"
    assert warned.salesforce_campaign_member_status == "Registered" and warned.salesforce_sync_date
    assert (refused.salesforce_sync_state, refused.salesforce_error_code) == (SyncState.FAILED,
                                                                             "REQUIRED_FIELD_MISSING")
    assert refused.salesforce_error_message == "Last Name"
    assert locked.salesforce_sync_state == SyncState.PENDING and locked.salesforce_id == f"00Q{3:015d}"
    assert deferred.salesforce_sync_state == SyncState.PENDING and not deferred.salesforce_id
    assert SyncAttempt.objects.count() == 999  # one history line each, none for the deferred one
    assert all(after[p.pk].salesforce_sync_state == SyncState.SYNCED for p in rows[5:])
