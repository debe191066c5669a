"""Takes over the public log's tables from the ledger app (ledger migrations 0004 and 0007).

State only: the tables `ledger_logentry` and `ledger_checkpoint` already exist, with their
append-only triggers on PostgreSQL.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("ledger", "0007_public_log_moves_out"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Checkpoint",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("tree_size", models.PositiveBigIntegerField(unique=True)),
                        (
                            "root_hash",
                            models.CharField(help_text="Hex root hash of the first tree_size entries.", max_length=64),
                        ),
                        ("note", models.TextField()),
                        ("frontier", models.JSONField(default=list)),
                        ("created_at", models.DateTimeField()),
                    ],
                    options={
                        "db_table": "ledger_checkpoint",
                        "ordering": ["tree_size"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("tree_size__gt", 0)), name="checkpoint_not_empty"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="LogEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        ("index", models.PositiveBigIntegerField(unique=True)),
                        ("entry", models.TextField()),
                        ("leaf_hash", models.CharField(help_text="Hex SHA-256(0x00 || entry).", max_length=64)),
                        ("sealed_at", models.DateTimeField()),
                        (
                            "transaction",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="log_entry",
                                to="ledger.transaction",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "ledger_logentry",
                        "verbose_name_plural": "log entries",
                        "ordering": ["index"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
