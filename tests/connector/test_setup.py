"""The tile's setup against the emulator: campaign, statuses, options, mappings, CHECK SETUP, and the
rules that decide whether the sync may run."""

import json
import threading
import time

import pytest
from django.db import connections
from django.urls import reverse

from connector import services
from connector.campaigns import campaign_find_by_name
from connector.connection_client import client_for_connection
from connector.models import SalesforceConnection, SalesforceSetup
from connector.selectors import estimated_api_calls, setup_is_valid, sync_estimate, tile_state
from connector.setup_check import setup_check
from sync.services import event_pause
from tests.factories import PASSWORD, ParticipantFactory, ParticipantFieldFactory

PARIS = "World Tour Paris 2026"


@pytest.fixture
def organizer(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def _paris(server) -> str:
    return next(c["Id"] for c in server.records("Campaign") if c["Name"] == PARIS)


def _check_campaign(organizer, event, name: str) -> str:
    url = reverse("connector:campaign_check", args=[event.slug])
    response = organizer.post(url, {"campaign_name": name}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_exact_campaign_name_resolves_to_its_id(organizer, event, connected, emulator):
    body = _check_campaign(organizer, event, PARIS)
    assert 'data-valid="true"' in body and f'value="{_paris(emulator)}"' in body


@pytest.mark.parametrize("typed", ["world tour paris 2026", f"  {PARIS} "])
def test_case_or_space_slips_get_a_did_you_mean_hint(organizer, event, connected, typed):
    body = _check_campaign(organizer, event, typed)
    assert 'data-valid="false"' in body and "No campaign is named" in body
    assert "Did you mean" in body and f'data-campaign-name="{PARIS}"' in body


@pytest.mark.parametrize("typed", ["World Tour Pari 2026", "Wrold Tour Paris 2026", "world tuor paris"])
def test_a_real_typo_gets_the_campaign_it_meant_as_a_hint(organizer, event, connected, typed):
    body = _check_campaign(organizer, event, typed)
    assert 'data-valid="false"' in body and f'data-campaign-name="{PARIS}"' in body
    assert "Webinar Series" not in body  # shares no word with what was typed


def test_a_typo_hint_costs_one_more_call_only_when_nothing_contains_the_name(
    organizer, event, connected, emulator
):
    before = emulator.stats()["api_calls"]
    _check_campaign(organizer, event, "Paris")  # contained in a name: one query, the hint from it
    assert emulator.stats()["api_calls"] - before == 1
    _check_campaign(organizer, event, "World Tour Pari 2026")
    assert emulator.stats()["api_calls"] - before == 3


def test_two_campaigns_of_one_name_make_one_hint(organizer, event, connected):
    body = _check_campaign(organizer, event, "Duplicate Nme Campaign")
    assert body.count('data-campaign-name="Duplicate Name Campaign"') == 1


def test_clicking_a_hint_saves_that_campaign_and_a_miss_is_said_once(organizer, event, connected, emulator):
    url = reverse("connector:campaign_save", args=[event.slug])
    missed = organizer.post(url, {"campaign_name": "Nothing Like This"}).content.decode()
    assert missed.count("No campaign is named “Nothing Like This”") == 1
    # The hint is a submit button carrying the campaign's name after the typed one: the last value wins.
    response = organizer.post(url, {"campaign_name": ["World Tour Pari 2026", PARIS]})
    assert response.status_code == 302
    assert SalesforceSetup.objects.get(event=event).campaign_id == _paris(emulator)


def test_unknown_campaign_gets_a_red_message(organizer, event, connected):
    body = _check_campaign(organizer, event, "Nothing Like This")
    assert 'data-valid="false"' in body and "No campaign is named “Nothing Like This”" in body


def test_injection_in_the_name_finds_nothing_and_breaks_nothing(connected):
    lookup = campaign_find_by_name(client=client_for_connection(connected), name="x' OR Name != '")
    assert lookup.matches == [] and lookup.suggestions == []


def test_several_campaigns_with_one_name_are_chosen_by_id(organizer, event, connected, emulator):
    ids = sorted(c["Id"] for c in emulator.records("Campaign") if c["Name"] == "Duplicate Name Campaign")
    body = _check_campaign(organizer, event, "Duplicate Name Campaign")
    assert "2 campaigns are named" in body and all(f'value="{i}"' in body for i in ids)
    url = reverse("connector:campaign_save", args=[event.slug])
    assert organizer.post(url, {"campaign_name": "Duplicate Name Campaign"}).status_code == 400
    response = organizer.post(url, {"campaign_name": "Duplicate Name Campaign", "campaign_id": ids[1]})
    assert response.status_code == 302
    assert SalesforceSetup.objects.get(event=event).campaign_id == ids[1]


def test_statuses_come_from_the_campaign_and_a_missing_one_can_be_created(
    organizer, event, connected, emulator
):
    organizer.post(reverse("connector:campaign_save", args=[event.slug]), {"campaign_name": PARIS})
    section = organizer.get(reverse("connector:statuses", args=[event.slug])).content.decode()
    assert all(f'value="{label}"' in section for label in ("Sent", "Responded", "Registered", "Attended"))
    response = organizer.post(
        reverse("connector:status_create", args=[event.slug]), {"label": "Came", "kind": "came"}
    )
    assert response.status_code == 302
    came = [s for s in emulator.records("CampaignMemberStatus") if s["Label"] == "Came"]
    assert len(came) == 1 and came[0]["HasResponded"] is True and came[0]["CampaignId"] == _paris(emulator)
    others = [
        s["SortOrder"]
        for s in emulator.records("CampaignMemberStatus")
        if s["CampaignId"] == _paris(emulator)
    ]
    assert came[0]["SortOrder"] == max(others) and len(set(others)) == len(others)
    saved = organizer.post(
        reverse("connector:statuses_save", args=[event.slug]),
        {"registered_status": "Registered", "came_status": "Came"},
    )
    assert saved.status_code == 302
    setup = SalesforceSetup.objects.get(event=event)
    assert (setup.registered_status, setup.came_status) == ("Registered", "Came")


def test_registered_and_attended_are_pre_selected_until_statuses_are_saved(organizer, event, connected):
    organizer.post(reverse("connector:campaign_save", args=[event.slug]), {"campaign_name": PARIS})
    section = organizer.get(reverse("connector:statuses", args=[event.slug])).content.decode()
    assert '<option value="Registered" selected>' in section
    assert '<option value="Attended" selected>' in section
    assert "save the statuses to use them" in section
    assert SalesforceSetup.objects.get(event=event).registered_status == ""  # nothing saved behind the back


def test_a_status_not_on_the_campaign_is_refused(organizer, event, connected):
    organizer.post(reverse("connector:campaign_save", args=[event.slug]), {"campaign_name": PARIS})
    organizer.post(
        reverse("connector:statuses_save", args=[event.slug]),
        {"registered_status": "Invented", "came_status": "Sent"},
    )
    assert SalesforceSetup.objects.get(event=event).registered_status == ""


def _mapping_check(organizer, event, kind: str, text: str) -> str:
    url = reverse("connector:mapping_check", args=[event.slug, kind])
    return organizer.post(url, {kind: text}, HTTP_HX_REQUEST="true").content.decode()


def test_mapping_problems_are_each_shown_next_to_their_key(organizer, event, connected):
    for key, kind in [("notes", "MultilineText"), ("size", "Text"), ("score", "Number"), ("day", "Date")]:
        ParticipantFieldFactory(event=event, key=key, type=kind)
    mapping = {
        "job_title": "Title",  # fine
        "unknown_key": "Title",
        "size": "No_Such_Field__c",
        "score": "Diet__c",  # Number into Text
        "day": "Checked_In_At__c",  # Date into Date/Time: allowed
        "notes": "Notes__c",  # MultilineText cannot be sent
        "company": "Secondary_Email__c",  # default field remapped
        "has_come": "Ticket_Price__c",  # Currency refused
    }
    body = _mapping_check(organizer, event, "lead", json.dumps(mapping, indent=1))
    assert 'data-valid="false"' in body
    assert "Unknown participant field “unknown_key”" in body
    assert "No field No_Such_Field__c on Lead" in body
    assert "Number participant fields go into Number fields; Diet__c is a Text field" in body
    assert "“notes” is a Multiline text participant field: it cannot be sent to Salesforce." in body
    assert "MultilineText" not in body  # people see the type as the field list names it
    assert "“company” is always sent as Lead.Company" in body
    assert "Ticket_Price__c is a Currency field" in body
    errors, warnings = body.split('<ul class="warning">')
    assert "<code>job_title</code>" not in errors and "<code>day</code>" not in errors  # the valid ones
    assert "<code>job_title</code> (line 2): Values longer than 128 characters will be cut" in warnings


@pytest.mark.parametrize(
    ("target", "named"),
    [
        ("Registration_Number__c", "Auto Number"),
        ("Ticket_Price__c", "Currency"),
        ("Secondary_Email__c", "Email"),
        ("Badge_Label__c", "Formula"),
        ("Home_Location__c", "Geolocation"),
        ("Referrer__c", "Lookup"),
        ("Discount__c", "Percent"),
        ("Emergency_Phone__c", "Phone"),
        ("Ticket_Type__c", "Picklist"),
        ("Interests__c", "Multi-Select Picklist"),
        ("Sessions_Attended__c", "Roll-Up Summary"),
        ("Passport_Number__c", "Text (Encrypted)"),
        ("Notes_Short__c", "Text Area"),
        ("Notes__c", "Text Area (Long)"),
        ("Bio__c", "Text Area (Rich)"),
        ("Arrival_Time__c", "Time"),
        ("Portfolio_URL__c", "URL"),
    ],
)
def test_refused_salesforce_types_are_named(organizer, event, connected, target, named):
    body = _mapping_check(organizer, event, "contact", json.dumps({"job_title": target}))
    article = "an" if named in ("Email", "Auto Number") else "a"
    assert f"{target} is {article} {named} field: the connector cannot write {named} fields." in body


def test_bad_json_gets_line_and_column(organizer, event, connected):
    body = _mapping_check(organizer, event, "contact", '{\n  "job_title": "Title",\n  "x": \n}')
    assert "Not valid JSON" in body and "(line 4, column 1)" in body


def test_text_that_may_be_too_long_is_a_warning_and_saves(organizer, event, connected):
    ParticipantFieldFactory(event=event, key="size", type="Text")
    texts = {"contact": json.dumps({"size": "Tshirt_Size__c"}), "lead": "", "campaign_member": ""}
    body = _mapping_check(organizer, event, "contact", texts["contact"])
    assert 'data-valid="true"' in body and "longer than 40 characters will be cut" in body
    assert organizer.post(reverse("connector:mappings_save", args=[event.slug]), texts).status_code == 302
    assert SalesforceSetup.objects.get(event=event).contact_mapping == {"size": "Tshirt_Size__c"}


def test_nothing_is_saved_while_one_mapping_has_an_error(organizer, event, connected):
    texts = {"contact": '{"job_title": "Title"}', "lead": '{"job_title": "Nope__c"}', "campaign_member": ""}
    response = organizer.post(reverse("connector:mappings_save", args=[event.slug]), texts)
    assert response.status_code == 400 and "No field Nope__c on Lead" in response.content.decode()
    setup = SalesforceSetup.objects.get(event=event)
    assert setup.contact_mapping == {} and setup.lead_mapping == {}


def test_refresh_fields_fetches_the_describe_once_into_the_cache(organizer, event, connected, emulator):
    before = emulator.stats()["api_calls"]
    organizer.post(reverse("connector:describe_refresh", args=[event.slug]))
    assert emulator.stats()["api_calls"] - before == 3
    cache = SalesforceSetup.objects.get(event=event).describe_cache
    assert cache["Lead"]["Tshirt_Size__c"]["length"] == 40 and "Status" in cache["CampaignMember"]
    _mapping_check(organizer, event, "lead", '{"job_title": "Title"}')
    assert emulator.stats()["api_calls"] - before == 3  # live validation reads the cache


def _complete_setup(event, server):
    services.setup_campaign_set(event=event, campaign_name=PARIS, campaign_id=_paris(server))
    services.setup_statuses_set(event=event, registered_status="Registered", came_status="Attended")


def test_check_setup_lists_each_mistake_then_says_valid(organizer, event, connected, emulator):
    services.setup_campaign_set(event=event, campaign_name=PARIS, campaign_id=_paris(emulator))
    services.setup_statuses_set(event=event, registered_status="Registered", came_status="Gone")
    SalesforceSetup.objects.filter(event=event).update(
        lead_mapping={"job_title": "Ticket_Price__c"}, default_company=""
    )
    response = organizer.post(reverse("connector:check", args=[event.slug]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "The status “Gone” (for Came = True) does not exist on the campaign." in body
    assert "Ticket_Price__c is a Currency field" in body and "Enter the Company value" in body
    assert 'id="force-sync-button" disabled' in body
    assert setup_is_valid(event)[0] is False

    _complete_setup(event, emulator)
    services.setup_options_set(
        event=event, allow_creating_leads=True, allow_data_update=False, default_company="N/A"
    )
    services.setup_mappings_set(event=event, texts={"Lead": '{"job_title": "Title"}'})
    body = organizer.post(
        reverse("connector:check", args=[event.slug]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "The setup is valid." in body and "FORCE SYNCHRONIZATION" in body and "disabled" not in body
    assert setup_is_valid(event) == (True, "")
    assert tile_state(event).code == "valid"


def test_check_setup_compares_remaining_api_calls_with_a_full_sync(event, connected, emulator):
    _complete_setup(event, emulator)
    ParticipantFactory.create_batch(3, event=event)
    emulator.set_faults(api_calls_used=emulator.stats()["daily_api_limit"] - 2)
    check = setup_check(event=event)
    assert check.api_calls_needed == estimated_api_calls(3) == 2
    assert any("API calls left today" in error for error in check.errors)


def test_check_setup_on_a_revoked_login_says_log_in_again(event, connected, emulator):
    _complete_setup(event, emulator)
    emulator.set_faults(expire_sessions=True, revoke_refresh_tokens=True)
    check = setup_check(event=event)
    assert not check.ok and "log in again" in check.errors[0]
    assert tile_state(event).code == "needs_login"


def test_an_options_change_keeps_the_checked_setup_valid(event, connected, emulator):
    _complete_setup(event, emulator)
    assert setup_check(event=event).ok and setup_is_valid(event)[0]
    services.setup_options_set(
        event=event, allow_creating_leads=False, allow_data_update=True, default_company="X"
    )
    assert setup_is_valid(event) == (True, "")


def test_a_status_change_waits_for_a_new_check_and_says_so(organizer, event, connected, emulator):
    _complete_setup(event, emulator)
    assert setup_check(event=event).ok
    services.setup_statuses_set(event=event, registered_status="Responded", came_status="Attended")
    assert setup_is_valid(event) == (
        False,
        "The settings changed: they are being checked against Salesforce (CHECK SETUP: now).",
    )
    page = organizer.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    assert "they are being checked against Salesforce, and the synchronization goes on" in page
    outcome = organizer.get(reverse("connector:check_outcome", args=[event.slug]), HTTP_HX_REQUEST="true")
    assert 'id="setup-rechecking"' in outcome.content.decode()  # polled until the check is done
    setup_check(event=event)
    outcome = organizer.get(reverse("connector:check_outcome", args=[event.slug]), HTTP_HX_REQUEST="true")
    body = outcome.content.decode()
    assert "the setup was valid" in body and "setup-rechecking" not in body and "Setup valid" in body


def test_deactivating_stops_sync_and_keeps_the_setup(organizer, event, connected, emulator):
    _complete_setup(event, emulator)
    setup_check(event=event)
    assert organizer.post(reverse("connector:deactivate", args=[event.slug])).status_code == 302
    assert setup_is_valid(event) == (False, "The Salesforce tile is not activated.")
    page = organizer.get(reverse("connector:integrations", args=[event.slug])).content.decode()
    assert "Not activated" in page and "Activate" in page
    response = organizer.post(reverse("connector:activate", args=[event.slug]))
    assert response["Location"] == reverse("connector:salesforce", args=[event.slug])
    assert setup_is_valid(event) == (True, "") and SalesforceSetup.objects.get(event=event).campaign_id


def test_integrations_page_shows_the_tile_state(organizer, event, connected):
    page = organizer.get(reverse("connector:integrations", args=[event.slug])).content.decode()
    assert "Setup incomplete" in page and f"Connected as {connected.username} ({connected.org_id})" in page


def test_force_sync_button_is_disabled_with_a_reason_until_valid(organizer, event, emulator):
    services.connection_set_active(event=event, active=True)
    page = organizer.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    assert 'id="force-sync-button" disabled' in page and "Salesforce is not connected." in page


def test_api_estimate_is_a_look_up_per_thousand_and_a_write_call_per_four_hundred_new_people():
    # One look-up per 1,000, then a write call per 400 new people (bench_sync: 8 calls for a fresh 2,000).
    assert [estimated_api_calls(n) for n in (0, 1, 400, 401, 1000, 2000, 2001)] == [0, 2, 2, 3, 4, 8, 10]


@pytest.mark.django_db(transaction=True)
def test_an_edit_saved_during_check_setup_is_kept_and_not_marked_checked(event, connected, emulator):
    """The check's 2 calls are slowed down; the organizer saves the options meanwhile (from another
    request, here a thread). The edit stays, and the check says it must run again."""
    _complete_setup(event, emulator)
    emulator.set_faults(latency_ms=400)
    results = []

    def run_check():
        try:
            results.append(setup_check(event=event))
        finally:
            connections.close_all()

    before = emulator.stats()["api_calls"]
    thread = threading.Thread(target=run_check)
    thread.start()
    while emulator.stats()["api_calls"] == before and thread.is_alive():
        time.sleep(0.02)  # wait for the check's first answer: it has read the setup by then
    services.setup_options_set(
        event=event, allow_creating_leads=True, allow_data_update=True, default_company="Edited"
    )
    thread.join()
    check = results[0]
    assert check.errors[:1] == ["The setup changed during the check; check again."] and not check.ok
    setup = SalesforceSetup.objects.get(event=event)
    assert setup.default_company == "Edited" and setup.allow_data_update is True
    assert setup.last_check_ok is None and setup_is_valid(event)[0] is False
    emulator.set_faults(latency_ms=0)
    assert setup_check(event=event).ok and setup_is_valid(event) == (True, "")


def test_opening_a_never_used_tile_writes_nothing(organizer, event):
    for name in ("salesforce", "connection_status", "statuses", "integrations"):
        assert organizer.get(reverse(f"connector:{name}", args=[event.slug])).status_code == 200
    assert not SalesforceConnection.objects.filter(setups__event=event).exists()
    assert not SalesforceSetup.objects.filter(event=event).exists()


def test_campaign_resolution_saves_only_a_campaign_the_name_designates(event, connected, emulator):
    unknown = services.setup_campaign_resolve(event=event, campaign_name="Nothing Like This")
    assert (
        unknown.campaign_id == ""
        and unknown.error == "No campaign is named “Nothing Like This” in Salesforce."
    )
    ids = sorted(c["Id"] for c in emulator.records("Campaign") if c["Name"] == "Duplicate Name Campaign")
    several = services.setup_campaign_resolve(event=event, campaign_name="Duplicate Name Campaign")
    assert several.error == "Choose one by Id." and not SalesforceSetup.objects.get(event=event).campaign_id
    forged = services.setup_campaign_resolve(event=event, campaign_name=PARIS, chosen_id=ids[0])
    assert forged.campaign_id == _paris(emulator)  # a chosen Id counts only among same-name campaigns
    chosen = services.setup_campaign_resolve(
        event=event, campaign_name="Duplicate Name Campaign", chosen_id=ids[1]
    )
    assert chosen.error == "" and SalesforceSetup.objects.get(event=event).campaign_id == ids[1]


def test_the_estimate_puts_our_calls_next_to_the_reference_products(event):
    ParticipantFactory.create_batch(4, event=event)
    estimate = sync_estimate(event=event)
    assert (estimate.participants, estimate.api_calls, estimate.reference_calls) == (4, 2, 12)
    assert estimate.calls_per_participant == 0.5


def test_a_paused_sync_shows_salesforces_reason_in_one_sentence(organizer, event, connected):
    event_pause(event=event, reason="TotalRequests Limit exceeded.")
    page = organizer.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    assert ": TotalRequests Limit exceeded. It resumes by itself." in page


def test_the_duplicate_rule_option_defaults_to_link_and_saving_create_anyway_sticks(
    organizer, event, connected
):
    page = organizer.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    assert "When Salesforce's duplicate rules match another record" in page
    assert 'value="link" id="id_duplicate_match_action_0" required checked' in page
    response = organizer.post(
        reverse("connector:options_save", args=[event.slug]),
        {"allow_creating_leads": "on", "default_company": "X", "duplicate_match_action": "create"},
    )
    assert response.status_code == 302
    assert SalesforceSetup.objects.get(event=event).duplicate_match_action == "create"
    page = organizer.get(reverse("connector:salesforce", args=[event.slug])).content.decode()
    assert 'value="create" id="id_duplicate_match_action_1" required checked' in page
    refused = organizer.post(
        reverse("connector:options_save", args=[event.slug]),
        {"default_company": "X", "duplicate_match_action": "merge-them"},
    )
    assert refused.status_code == 400
    assert SalesforceSetup.objects.get(event=event).duplicate_match_action == "create"


def test_check_setup_says_plainly_when_the_salesforce_user_is_not_a_marketing_user(
    event, connected, emulator
):
    _complete_setup(event, emulator)
    emulator.set_faults(non_marketing_users=[connected.username])
    check = setup_check(event=event)
    assert not check.ok
    assert check.errors == [
        f"The Salesforce user {connected.username} is not a Marketing User, so Salesforce does not let it "
        "read the campaign's member statuses. In Salesforce Setup → Users, edit that user and tick "
        "“Marketing User”, then run CHECK SETUP again."
    ]
    emulator.set_faults(non_marketing_users=[])
    assert setup_check(event=event).ok
