# ExchangeRate now belongs to the rates app (rates.0001_initial); its table stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_provider_event_received"),
        ("rates", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ExchangeRate")],
            database_operations=[],
        ),
    ]
