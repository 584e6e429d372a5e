"""Every existing event lands in an account of its own, named and slugged after the event (an account
slug already taken gets the event's id appended). The event's members become members of that account as
*admin*, so nobody loses anything they could do before (every member could change everything then); an
account admin can later give the others a narrower role."""

from django.db import migrations


def events_into_accounts(apps, schema_editor):
    Account = apps.get_model("accounts", "Account")
    AccountMembership = apps.get_model("accounts", "AccountMembership")
    Event = apps.get_model("events", "Event")
    for event in Event.objects.filter(account__isnull=True).order_by("pk"):
        slug = event.slug if not Account.objects.filter(slug=event.slug).exists() else f"{event.slug}-{event.pk}"
        account = Account.objects.create(name=event.name, slug=slug[:100])
        event.account = account
        event.save(update_fields=["account"])
        for user in event.members.all():
            AccountMembership.objects.get_or_create(account=account, user=user, defaults={"role": "admin"})


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("events", "0005_event_account"),
    ]

    operations = [migrations.RunPython(events_into_accounts, migrations.RunPython.noop)]
