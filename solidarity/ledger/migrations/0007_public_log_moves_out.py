"""The public log's models now belong to the `publiclog` app; their tables stay as they are.

Only Django's model state moves (publiclog migration 0001 takes it over): no table is
renamed or rewritten, so existing entries, checkpoints and the append-only triggers of
migration 0004 are untouched.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0006_accounts_by_owner"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="LogEntry"),
                migrations.DeleteModel(name="Checkpoint"),
            ],
            database_operations=[],
        ),
    ]
