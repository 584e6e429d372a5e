import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("connector", "0004_each_connection_to_its_events_account"),
    ]

    operations = [
        migrations.RemoveField(model_name="salesforceconnection", name="event"),
        migrations.RemoveField(model_name="salesforceconnection", name="is_active"),
        migrations.AlterField(
            model_name="salesforceconnection",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="salesforce_connections",
                to="accounts.account",
            ),
        ),
    ]
