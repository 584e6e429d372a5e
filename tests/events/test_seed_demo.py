"""`manage.py seed_demo`: the demo organizer, the demo event with every field type, varied participants."""

from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import AccountMembership, Role
from events.demo import DEMO_EVENT_SLUG, DEMO_SECOND_EVENT_SLUG
from events.fields import FieldType
from events.models import Event


def test_seed_demo_is_idempotent_and_deterministic(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "organizer / demo-organizer" in out
    event = Event.objects.get(slug=DEMO_EVENT_SLUG)
    assert event.name == "Salesforce World Tour Paris 2026"
    first = list(event.participants.order_by("id").values_list("email", "data"))
    call_command("seed_demo")
    assert "0 participant(s) created, 50 in all" in capsys.readouterr().out
    call_command("seed_demo", participants=80)
    assert list(event.participants.order_by("id").values_list("email", "data"))[:50] == first
    assert event.participants.count() == 80


def test_seed_demo_data_is_varied_and_meets_the_emulator_org(db):
    call_command("seed_demo", participants=200)
    event = Event.objects.get(slug=DEMO_EVENT_SLUG)
    user = authenticate(username="organizer", password="demo-organizer")
    assert user is not None and event.members.filter(pk=user.pk).exists()
    assert {f.type for f in event.custom_fields.all()} == set(FieldType.values)
    emails = list(event.participants.order_by("id").values_list("email", flat=True))
    assert emails[:4] == [
        "amelie.durand@example.com",
        "sean.oconnor@example.ie",
        "jp.lefevre@example.fr",
        "chloe.martin@example.com",
    ]
    participants = event.participants.all()
    assert any("'" in p.email for p in participants)
    assert any("'" in p.last_name for p in participants)
    assert any(ch in "éèàüñçß" for p in participants for ch in p.first_name + p.last_name)
    assert any(p.company == "" for p in participants)
    assert {(p.is_registered, p.has_come) for p in participants} >= {
        (True, True),
        (True, False),
        (False, False),
    }
    assert all(p.salesforce_sync_state == "pending" for p in participants)


def test_seed_demo_makes_one_account_with_two_events_administered_by_the_demo_organizer(db):
    call_command("seed_demo")
    call_command("seed_demo")
    first, second = Event.objects.get(slug=DEMO_EVENT_SLUG), Event.objects.get(slug=DEMO_SECOND_EVENT_SLUG)
    assert first.account_id == second.account_id and Event.objects.count() == 2
    membership = AccountMembership.objects.get(account=first.account)
    assert membership.user.username == "organizer" and membership.role == Role.ADMIN
    assert second.participants.count() == 20 and second.custom_fields.count() == first.custom_fields.count()
