"""The data migration from events without accounts: each event lands in an account of its own, its
members become that account's admins, and nothing else of the event changes."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("events", "0004_export_job"), ("accounts", None)]
AFTER = [("events", "0007_event_account_required")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_every_event_lands_in_an_account_with_its_members_as_admins():
    try:
        old = _migrate(BEFORE)
        User = old.get_model("auth", "User")
        Event = old.get_model("events", "Event")
        Participant = old.get_model("events", "Participant")
        claire, sam = User.objects.create(username="claire"), User.objects.create(username="sam")
        paris = Event.objects.create(name="Paris", slug="paris")
        paris.members.add(claire, sam)
        london = Event.objects.create(name="London", slug="london")
        london.members.add(claire)
        synced = {"salesforce_sync_state": "synced", "salesforce_id": "003000000000001"}
        Participant.objects.create(event=paris, email="ada@example.com", **synced)

        new = _migrate(AFTER)
        Event = new.get_model("events", "Event")
        Membership = new.get_model("accounts", "AccountMembership")
        paris, london = Event.objects.get(slug="paris"), Event.objects.get(slug="london")
        assert paris.account.name == "Paris" and london.account.slug == "london"
        assert paris.account_id != london.account_id
        members = Membership.objects.values_list("user__username", "role")
        assert set(members.filter(account=paris.account)) == {("claire", "admin"), ("sam", "admin")}
        assert list(members.filter(account=london.account)) == [("claire", "admin")]
        participant = new.get_model("events", "Participant").objects.get(email="ada@example.com")
        assert participant.salesforce_sync_state == synced["salesforce_sync_state"]
        assert participant.salesforce_id == synced["salesforce_id"]
    finally:
        _migrate(_latest())


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
