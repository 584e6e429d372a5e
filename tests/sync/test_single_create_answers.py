"""What the executor does with the answer to a single-record create it sent again after a duplicate rule
refused the person in a Collections result. The answers are Salesforce's Composite subrequest shapes: an
error body is a list of {"errorCode", "message"}, and its subrequest's own HTTP status."""

from typing import Any, cast

from connector.salesforce.client import SalesforceClient
from sync.executor import BatchExecutor
from sync.outcome import Outcome
from sync.planner import LEAD, ParticipantPlan, PlannerSetup

SETUP = PlannerSetup(campaign_id="701000000000001AAA", registered_status="Registered",
                     came_status="Attended", allow_creating_leads=True, allow_data_update=False,
                     default_company="Unknown")


def _resolved(answer: dict[str, Any]) -> Outcome:
    executor = BatchExecutor(client=cast(SalesforceClient, None), setup=SETUP)  # no call is made
    outcome = Outcome(ParticipantPlan(participant_id=1, email_key="ana@example.com", object_name=LEAD,
                                      person_fields={"LastName": "Ana"}))
    executor._resolved(outcome, {"referenceId": "person0", **answer})
    return outcome


def test_a_create_salesforce_answers_with_a_server_error_stays_pending_and_is_retried_not_failed():
    outcome = _resolved({"httpStatusCode": 500, "body": [
        {"errorCode": "UNKNOWN_EXCEPTION", "message": "An unexpected error occurred."}
    ]})
    assert outcome.retry and not outcome.error_code


def test_a_create_refused_for_a_missing_field_fails_the_participant_with_salesforces_words():
    outcome = _resolved({"httpStatusCode": 400, "body": [
        {"errorCode": "REQUIRED_FIELD_MISSING", "message": "Required fields are missing: [Company]",
         "fields": ["Company"]}
    ]})
    assert (outcome.error_code, outcome.error_message) == (
        "REQUIRED_FIELD_MISSING", "Required fields are missing: [Company]")
    assert not outcome.retry


def test_a_create_that_now_succeeds_gives_the_participant_its_new_record():
    outcome = _resolved({"httpStatusCode": 201, "body": {"id": "00Q000000000042AAA", "success": True,
                                                          "errors": []}})
    assert outcome.plan.person_id == "00Q000000000042AAA" and outcome.complete
