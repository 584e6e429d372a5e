"""Roles, endpoint by endpoint: every back-office URL that takes an event slug or an account slug, found by
walking the URL resolver (an endpoint added later is covered without editing this test), requested by each
role. Outsiders get what a missing event or account shows (404); a member whose role does not allow the
endpoint gets 403; anyone allowed never meets a 403 or a 404."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from accounts.models import Role
from accounts.services import event_give, membership_grant
from connector.models import SalesforceConnection
from events.export_jobs import export_dir, export_job_path
from events.models import ExportJob, ExportState
from tests.factories import EventFactory, ParticipantFactory, ParticipantFieldFactory, UserFactory

# What each endpoint needs, from its namespace and name (the predicate its view passes to the selector).
SALESFORCE, SETTINGS, EXPORT, CONNECTIONS = "salesforce", "settings", "export", "connections"
ACCOUNT_ADMIN = "account_admin"
TILE = "tile"  # the tile's page: read-only for staff
PARTICIPANTS, ACCOUNT = "participants", "account"
# Endpoints open to the public (the registration page) are not the back-office's.
PUBLIC = ("events:registration",)


def back_office_endpoints() -> list[tuple[str, tuple[str, ...]]]:
    found = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
                continue
            params = tuple(pattern.pattern.converters)
            name = f"{namespace}:{pattern.name}"
            if ("slug" in params or "account" in params) and not name.startswith(PUBLIC):
                found.append((name, params))

    walk(get_resolver().url_patterns, None)
    return found


ENDPOINTS = back_office_endpoints()
ENDPOINT_PARAMS = ENDPOINTS
IDS = [name for name, _ in ENDPOINTS]


def needs(name: str) -> str:
    namespace, view = name.split(":")
    if name in ("connector:connection_save", "connector:login_start", "connector:disconnect"):
        return CONNECTIONS
    if namespace == "connector" and "account" in dict(ENDPOINT_PARAMS)[name]:
        return ACCOUNT_ADMIN
    if name == "connector:salesforce":
        return TILE
    if name == "sync:participant_history":  # part of the participant's page
        return PARTICIPANTS
    if namespace in ("connector", "sync"):
        return SALESFORCE
    if namespace == "accounts":
        return ACCOUNT
    if view.startswith("field_"):
        return SETTINGS
    if view == "participant_export" or view.startswith("export_job"):
        return EXPORT
    return PARTICIPANTS


# What each role may do on an event given to it (admins: every event of their account).
ALLOWED = {
    "admin": {ACCOUNT_ADMIN, CONNECTIONS, TILE, SALESFORCE, SETTINGS, EXPORT, PARTICIPANTS, ACCOUNT},
    "organizer": {TILE, SALESFORCE, SETTINGS, EXPORT, PARTICIPANTS, ACCOUNT},
    "staff": {TILE, PARTICIPANTS, ACCOUNT},
    "staff_who_may_export": {TILE, PARTICIPANTS, EXPORT, ACCOUNT},
}


def _export_job(event, user) -> ExportJob:
    """A finished export of `user`, its file written, so that its pages answer whoever may see them."""
    job = ExportJob.objects.create(
        event=event, requested_by=user, fmt="csv", file_name="x.csv", state=ExportState.READY
    )
    export_job_path(job).write_text("email\n")
    return job


@pytest.fixture
def target(db, settings, tmp_path):
    """An event with a participant, a custom field, a connection and an export, so that URLs naming them
    reach the view's rule (exports written under this test's own folder)."""
    settings.EXPORT_DIR = str(tmp_path / "exports")
    export_dir()
    event = EventFactory()
    return {
        "event": event,
        "participant": ParticipantFactory(event=event),
        "field": ParticipantFieldFactory(event=event),
        "connection": SalesforceConnection.objects.create(account=event.account),
        "export_job": _export_job(event, UserFactory()),
    }


def _url(name: str, params: tuple[str, ...], target: dict, *, slug: str | None = None) -> str:
    event = target["event"]
    values = {
        "slug": slug or event.slug,
        "account": slug or event.account.slug,
        "pk": _pk(name, target),
        "fmt": "csv",
        "kind": "lead",
    }
    return reverse(name, kwargs={p: values[p] for p in params})


def _pk(name: str, target: dict) -> int:
    if name.startswith("events:field_"):
        return target["field"].pk
    if name.startswith("events:export_job"):
        return target["export_job"].pk
    return target["connection"].pk if name.startswith("connector:") else target["participant"].pk


def _statuses(client, url: str) -> list[int]:
    return [client.get(url).status_code, client.post(url, {"x": "1", "lead": "{}"}).status_code]


def _login(client, role: str, target: dict) -> None:
    """Log in a new user with `role` on the target's event; the export job the target offers is theirs."""
    event = target["event"]
    user = UserFactory()
    if role == "admin":
        membership_grant(account=event.account, user=user, role=Role.ADMIN)
    elif role == "organizer":
        event_give(event=event, user=user, role=Role.ORGANIZER)
    else:
        membership_grant(
            account=event.account, user=user, role=Role.STAFF, can_export_personal_data=role != "staff"
        )
        event.members.add(user)
    target["export_job"] = _export_job(event, user)
    client.force_login(user)


def test_the_walk_finds_every_part_of_the_back_office():
    kinds = {needs(name) for name, _ in ENDPOINTS}
    assert kinds == {ACCOUNT_ADMIN, CONNECTIONS, TILE, SALESFORCE, SETTINGS, EXPORT, PARTICIPANTS, ACCOUNT}
    names = set(IDS)
    assert {"connector:salesforce", "sync:force_sync", "events:participant_list"} <= names
    assert {"events:participant_export", "events:field_list", "accounts:account_detail"} <= names


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize(("name", "params"), ENDPOINTS, ids=IDS)
def test_each_role_reaches_exactly_what_it_is_allowed(client, target, role, name, params):
    _login(client, role, target)
    statuses = _statuses(client, _url(name, params, target))
    if needs(name) in ALLOWED[role]:
        assert not {403, 404} & set(statuses), statuses
    else:
        assert 403 in statuses and not {200, 302, 400} & set(statuses), statuses


@pytest.mark.parametrize(("name", "params"), ENDPOINTS, ids=IDS)
def test_an_outsider_sees_what_a_missing_event_or_account_shows(client, target, name, params):
    """A member of another account, even its admin: 404 on the method the endpoint serves."""
    other = EventFactory()
    outsider = UserFactory()
    membership_grant(account=other.account, user=outsider, role=Role.ADMIN)
    client.force_login(outsider)
    statuses = _statuses(client, _url(name, params, target))
    missing = _statuses(client, _url(name, params, target, slug="no-such-thing"))
    assert 404 in statuses and statuses == missing


EVENT_ENDPOINTS = [e for e in ENDPOINTS if needs(e[0]) not in (ACCOUNT, ACCOUNT_ADMIN)]


@pytest.mark.parametrize(("name", "params"), EVENT_ENDPOINTS, ids=[name for name, _ in EVENT_ENDPOINTS])
def test_an_organizer_not_given_the_event_sees_it_as_missing(client, target, name, params):
    """Organizers and staff reach only the events they are given, even in their own account."""
    organizer = UserFactory()
    event_give(event=EventFactory(account=target["event"].account), user=organizer, role=Role.ORGANIZER)
    client.force_login(organizer)
    statuses = _statuses(client, _url(name, params, target))
    assert 404 in statuses and not {200, 302, 400, 403} & set(statuses), statuses
