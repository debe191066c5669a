"""Accounts and transactions name an opaque owner ("campaign:42") instead of a campaign row.

The ledger keeps no foreign key to any application table (as django-hordak's accounts,
Formance's addresses and TigerBeetle's user_data): this migration copies each campaign
id into the new `owner` column and then drops the campaign columns. Transactions are
append-only (migration 0002's trigger refuses UPDATE), so on PostgreSQL the one UPDATE
that fills their owner runs with that trigger switched off inside this migration's own
database transaction; nothing else can write meanwhile.
"""

from django.db import migrations, models

FILL = [
    "UPDATE ledger_account SET owner = 'campaign:' || campaign_id WHERE campaign_id IS NOT NULL",
    "UPDATE ledger_transaction SET owner = 'campaign:' || campaign_id WHERE campaign_id IS NOT NULL",
]
UNFILL = [
    "UPDATE ledger_account SET campaign_id = CAST(substr(owner, 10) AS integer) WHERE owner LIKE 'campaign:%%'",
    "UPDATE ledger_transaction SET campaign_id = CAST(substr(owner, 10) AS integer) WHERE owner LIKE 'campaign:%%'",
]


def _run(schema_editor, statements):  # type: ignore[no-untyped-def]
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute("ALTER TABLE ledger_transaction DISABLE TRIGGER ledger_transaction_append_only")
    for sql in statements:
        schema_editor.execute(sql if postgres else sql.replace("%%", "%"), params=None)
    if postgres:
        schema_editor.execute("ALTER TABLE ledger_transaction ENABLE TRIGGER ledger_transaction_append_only")


def fill_owners(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(schema_editor, FILL)


def restore_campaigns(apps, schema_editor):  # type: ignore[no-untyped-def]
    _run(schema_editor, UNFILL)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0005_posting_account_covering_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="account",
            name="owner",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
        migrations.AddField(
            model_name="transaction",
            name="owner",
            field=models.CharField(blank=True, db_default="", default="", max_length=64),
        ),
        # Backwards, the campaign columns are filled again before these come back.
        migrations.RemoveConstraint(model_name="account", name="account_unique_per_campaign"),
        migrations.RemoveConstraint(model_name="account", name="account_unique_site_wide"),
        migrations.RemoveIndex(model_name="transaction", name="ledger_tran_campaig_b3b8a0_idx"),
        migrations.RunPython(fill_owners, restore_campaigns),
        migrations.RemoveField(model_name="account", name="campaign"),
        migrations.RemoveField(model_name="transaction", name="campaign"),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.UniqueConstraint(
                fields=("owner", "purpose", "currency"), name="account_unique_per_owner"
            ),
        ),
        migrations.AddIndex(
            model_name="transaction",
            index=models.Index(fields=["owner", "kind"], name="ledger_txn_owner_kind"),
        ),
    ]
