"""A covering index for campaign totals (bench/scale.py, docs/benchmarks.md).

`campaigns_totals` sums each campaign fund's postings; with (account_id) INCLUDE
(transaction_id, amount_minor) PostgreSQL reads them from the index alone, without a heap
visit per posting (a 100-card list page at 5 M postings: 43 ms → 15 ms for that query).
Built CONCURRENTLY so that adding it to a large live ledger blocks no donation. SQLite
has no INCLUDE and needs none: nothing happens there.
"""

from django.db import migrations

INDEX = "ledger_posting_account_covering"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {INDEX} ON ledger_posting (account_id) "
            "INCLUDE (transaction_id, amount_minor)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("ledger", "0004_public_log")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
