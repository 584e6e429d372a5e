import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("events", "0006_every_event_in_an_account"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="events", to="accounts.account"
            ),
        ),
    ]
