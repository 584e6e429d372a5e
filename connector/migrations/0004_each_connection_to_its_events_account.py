"""Each event's connection becomes a connection of the event's account, used by that event: its key,
secret, tokens, org and health stay as they are (no new login), the tile's activation moves to the event's
setup, and no participant is touched (nothing is re-synced)."""

from django.db import migrations


def connections_into_accounts(apps, schema_editor):
    SalesforceConnection = apps.get_model("connector", "SalesforceConnection")
    SalesforceSetup = apps.get_model("connector", "SalesforceSetup")
    for connection in SalesforceConnection.objects.select_related("event").order_by("pk"):
        connection.account_id = connection.event.account_id
        connection.save(update_fields=["account"])
        setup, _ = SalesforceSetup.objects.get_or_create(event_id=connection.event_id)
        setup.connection = connection
        setup.is_active = connection.is_active
        setup.save(update_fields=["connection", "is_active"])


class Migration(migrations.Migration):
    dependencies = [("connector", "0003_connections_in_accounts")]

    operations = [migrations.RunPython(connections_into_accounts, migrations.RunPython.noop)]
