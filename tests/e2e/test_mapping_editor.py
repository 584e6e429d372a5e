"""An organizer builds a field mapping with the visual editor beside the JSON, in Chromium at 1280 px, against
the emulator's describe: rows and JSON follow each other, the live check runs, and the save keeps it."""

import json

import pytest

from accounts.models import Role
from accounts.services import event_give
from bench.emulator_login import event_connect_to_emulator
from connector.models import SalesforceSetup
from events.fields import FieldType
from tests.e2e.conftest import login
from tests.factories import PASSWORD, EventFactory, ParticipantFieldFactory, UserFactory

pytestmark = pytest.mark.e2e

LEAD_ROWS = "#mapping-rows-lead .mapping-row"


@pytest.fixture
def connected_organizer(transactional_db, salesforce_emulator, live_server, settings):
    """An organizer of an event whose tile is connected to the emulator (the login is the tile's own
    services; the popup itself has its test in test_tile.py)."""
    settings.SALESFORCE_CA_BUNDLE = str(salesforce_emulator.ca_path)
    settings.SALESFORCE_EXTRA_LOGIN_HOSTS = [salesforce_emulator.url]
    settings.SITE_URL = "http://127.0.0.1:8000"  # a callback URL of the emulator's demo connected app
    user = UserFactory(username="claire")
    event = EventFactory(name="World Tour Paris", slug="world-tour-paris")
    event_give(event=event, user=user, role=Role.ADMIN)
    for key, label, kind in [
        ("diet", "Diet", FieldType.TEXT),
        ("score", "Score", FieldType.NUMBER),
        ("day", "Day", FieldType.DATE),
        ("vip", "VIP", FieldType.BOOLEAN),
        ("notes", "Notes", FieldType.MULTILINE_TEXT),
    ]:
        ParticipantFieldFactory(event=event, key=key, label=label, type=kind)
    emulator = salesforce_emulator
    event_connect_to_emulator(event=event, url=emulator.url, ca_path=str(emulator.ca_path))
    return user, event


@pytest.fixture
def wide_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def _shot(page, artifacts_dir, name: str) -> None:
    """The whole page, and the mappings card alone (easier to read)."""
    page.screenshot(path=str(artifacts_dir / f"mapping-editor-{name}.png"), full_page=True)
    page.locator("#mappings").screenshot(path=str(artifacts_dir / f"mapping-editor-{name}-card.png"))


def _row(n: int) -> str:
    return f"{LEAD_ROWS} >> nth={n}"


def _options(page, row: int, which: str) -> dict[str, str]:
    """The options a row's select offers: value → text (the placeholder left out)."""
    return page.eval_on_selector(
        f"{_row(row)} >> .mapping-{which}",
        "s => Object.fromEntries([...s.options].filter(o => o.value).map(o => [o.value, o.textContent]))",
    )


def _lead_json(page) -> dict:
    return json.loads(page.input_value("#id_lead") or "{}")


def _open_tile(page, live_server, user, event) -> None:
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}/events/{event.slug}/integrations/salesforce/")
    page.wait_for_selector("#mapping-rows-lead:not([hidden])")


def test_picking_fields_in_the_editor_writes_the_json_and_the_live_check_accepts_it(
    wide_page, live_server, connected_organizer, artifacts_dir
):
    page, (user, event) = wide_page, connected_organizer
    _open_tile(page, live_server, user, event)
    for kind in ("contact", "lead", "campaign_member"):
        assert page.is_visible(f"#mapping-rows-{kind} .mapping-add") and page.is_visible(f"#id_{kind}")
    assert page.locator(LEAD_ROWS).count() == 0  # nothing mapped yet
    # Opening the editor fetched the describe once: the date beside Refresh fields says so.
    assert "never" not in page.inner_text("#describe-fetched-at")
    _shot(page, artifacts_dir, "01-empty")

    page.click("#mapping-rows-lead .mapping-add")
    sources = _options(page, 0, "source")
    assert {"diet", "score", "day", "vip", "job_title"} <= set(sources)
    # Always sent (email, names, Company on a Lead) or not sendable (Multiline text): not offered.
    assert not set(sources) & {"email", "first_name", "last_name", "company", "notes"}

    page.select_option(f"{_row(0)} >> .mapping-source", "score")
    targets = _options(page, 0, "target")
    assert "Score__c" in targets and all(text.endswith("· Number") for text in targets.values())
    assert not set(targets) & {"Diet__c", "Tshirt_Size__c", "Ticket_Price__c", "Checked_In_At__c"}
    page.select_option(f"{_row(0)} >> .mapping-target", "Score__c")
    assert _lead_json(page) == {"score": "Score__c"}
    page.wait_for_selector('#mapping-lead-check[data-valid="true"]')

    page.click("#mapping-rows-lead .mapping-add")
    assert page.eval_on_selector(f"{_row(1)} >> .mapping-source option[value=score]", "o => o.disabled")
    page.select_option(f"{_row(1)} >> .mapping-source", "day")
    day_targets = _options(page, 1, "target")
    assert {"Attendance_Date__c", "Checked_In_At__c"} <= set(day_targets)
    assert all(text.endswith(("· Date", "· Date/Time")) for text in day_targets.values())
    page.select_option(f"{_row(1)} >> .mapping-target", "Checked_In_At__c")
    page.click("#mapping-rows-lead .mapping-add")
    page.select_option(f"{_row(2)} >> .mapping-source", "vip")
    vip_targets = _options(page, 2, "target")
    assert "Visited_Booth__c" in vip_targets and all(t.endswith("· Checkbox") for t in vip_targets.values())
    page.select_option(f"{_row(2)} >> .mapping-target", "Visited_Booth__c")
    three = {"score": "Score__c", "day": "Checked_In_At__c", "vip": "Visited_Booth__c"}
    assert page.input_value("#id_lead") == json.dumps(three, indent=2)  # in row order, as the page prints it
    page.wait_for_function(
        "() => document.querySelector('#mapping-lead-check').dataset.valid === 'true'"
        " && document.querySelector('#id_lead').value.includes('Visited_Booth__c')"
    )
    page.wait_for_timeout(800)  # the last check's answer has replaced the earlier ones
    assert page.get_attribute("#mapping-lead-check", "data-valid") == "true"
    _shot(page, artifacts_dir, "02-three-rows-valid")

    page.click("#mappings-form button[type=submit]")
    page.wait_for_selector("text=Mappings saved.")
    assert SalesforceSetup.objects.get(event=event).lead_mapping == three
    # The page shows the saved mapping again, in the JSON and in the rows. (PostgreSQL's jsonb keeps keys in
    # its own order, not the organizer's: the pairs are compared, not their order.)
    assert json.loads(page.input_value("#id_lead")) == three
    page.wait_for_selector(f"{_row(2)}")
    assert {page.input_value(f"{_row(n)} >> .mapping-target") for n in range(3)} == {
        "Score__c",
        "Checked_In_At__c",
        "Visited_Booth__c",
    }
    _shot(page, artifacts_dir, "03-saved")


def test_editing_the_json_rebuilds_the_rows_and_marks_the_refused_one(
    wide_page, live_server, connected_organizer, artifacts_dir
):
    page, (user, event) = wide_page, connected_organizer
    _open_tile(page, live_server, user, event)
    page.fill("#id_lead", json.dumps({"job_title": "Title", "diet": "Score__c"}, indent=2))
    page.wait_for_selector(f"{_row(1)}")
    assert page.input_value(f"{_row(0)} >> .mapping-source") == "job_title"
    assert page.input_value(f"{_row(0)} >> .mapping-target") == "Title"
    assert page.input_value(f"{_row(1)} >> .mapping-source") == "diet"
    # A Number field for a Text participant field is not offered; the JSON's choice is shown as refused.
    assert _options(page, 1, "target")["Score__c"] == "Score__c (refused: see the check)"
    page.wait_for_selector('#mapping-lead-check[data-valid="false"]')
    page.wait_for_selector(f"{LEAD_ROWS}.invalid")
    assert page.eval_on_selector_all(LEAD_ROWS, "rs => rs.map(r => r.classList.contains('invalid'))") == [
        False,
        True,
    ]
    assert "Diet__c" in _options(page, 1, "target")
    assert "Text participant fields go into Text fields; Score__c is a Number field" in page.inner_text(
        "#mapping-lead-check"
    )
    _shot(page, artifacts_dir, "04-json-edited-refused-row")

    page.select_option(f"{_row(1)} >> .mapping-target", "Diet__c")
    assert _lead_json(page) == {"job_title": "Title", "diet": "Diet__c"}
    page.wait_for_selector('#mapping-lead-check[data-valid="true"]')
    page.wait_for_function("() => !document.querySelector('#mapping-rows-lead .mapping-row.invalid')")

    # Broken JSON: the rows wait, disabled, with a note; fixed JSON brings them back.
    page.fill("#id_lead", '{"job_title": "Title",')
    page.wait_for_selector("#mapping-rows-lead.frozen .mapping-rows-note:not([hidden])")
    assert page.is_disabled("#mapping-rows-lead .mapping-add")
    page.wait_for_selector("#mapping-lead-check >> text=Not valid JSON")
    _shot(page, artifacts_dir, "05-json-broken")
    page.fill("#id_lead", '{"job_title": "Title"}')
    page.wait_for_selector("#mapping-rows-lead:not(.frozen)")
    assert page.locator(LEAD_ROWS).count() == 1

    page.click(f"{_row(0)} >> .mapping-remove")
    assert page.input_value("#id_lead") == "" and page.locator(LEAD_ROWS).count() == 0
    page.click("#mappings-form button[type=submit]")
    page.wait_for_selector("text=Mappings saved.")
    assert SalesforceSetup.objects.get(event=event).lead_mapping == {}


def test_when_salesforce_refuses_the_describe_the_editor_says_so_and_the_json_still_works(
    wide_page, live_server, connected_organizer, salesforce_emulator, artifacts_dir
):
    page, (user, event) = wide_page, connected_organizer
    salesforce_emulator.set_faults(api_calls_used=15000)  # REQUEST_LIMIT_EXCEEDED from now on
    _open_tile(page, live_server, user, event)
    note = "#mapping-rows-lead .mapping-rows-note"
    assert "Salesforce fields are not loaded" in page.inner_text(note)
    assert page.is_disabled("#mapping-rows-lead .mapping-add")
    assert not page.is_visible("#mapping-rows-lead .mapping-empty")
    _shot(page, artifacts_dir, "06-fields-not-loaded")
    page.fill("#id_lead", '{"job_title": "Title"}')  # the textarea is not held up by the editor
    assert page.input_value("#id_lead") == '{"job_title": "Title"}'


def test_without_javascript_the_json_alone_still_saves(browser, live_server, connected_organizer):
    user, event = connected_organizer
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, live_server, user.username, PASSWORD)
        page.goto(f"{live_server.url}/events/{event.slug}/integrations/salesforce/")
        assert not page.is_visible("#mapping-rows-lead")  # the editor needs JavaScript; the JSON does not
        page.fill("#id_contact", json.dumps({"diet": "Diet__c"}))
        page.click("#mappings-form button[type=submit]")
        page.wait_for_selector("text=Mappings saved.")
        assert SalesforceSetup.objects.get(event=event).contact_mapping == {"diet": "Diet__c"}
    finally:
        context.close()


# 'report-sample' makes Chromium report the first characters of each blocked inline script or style.
STRICT_CSP = "default-src 'self'; script-src 'self' 'report-sample'; style-src 'self' 'report-sample'"


def test_the_editor_works_under_a_content_security_policy_without_inline_scripts(
    browser, live_server, connected_organizer
):
    """Every response gets a CSP that blocks inline scripts and styles: the editor, its JSON data block
    and htmx's live check still work, and nothing of the editor is reported as a violation."""
    user, event = connected_organizer
    context = browser.new_context(viewport={"width": 1280, "height": 900})

    def with_csp(route):
        response = route.fetch(max_redirects=0)
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": STRICT_CSP})

    context.route("**/*", with_csp)
    context.add_init_script(
        "window.cspViolations = [];"
        "document.addEventListener('securitypolicyviolation', e => window.cspViolations.push("
        "[e.violatedDirective, e.blockedURI, e.sourceFile, e.sample].join(' ')));"
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        _open_tile(page, live_server, user, event)
        page.click("#mapping-rows-contact .mapping-add")
        page.select_option("#mapping-rows-contact .mapping-row >> .mapping-source", "diet")
        page.select_option("#mapping-rows-contact .mapping-row >> .mapping-target", "Diet__c")
        assert json.loads(page.input_value("#id_contact")) == {"diet": "Diet__c"}
        page.wait_for_selector('#mapping-contact-check[data-valid="true"]')
        violations = page.evaluate("window.cspViolations")
        assert not [v for v in violations if "mapping" in v], violations
    finally:
        context.close()
