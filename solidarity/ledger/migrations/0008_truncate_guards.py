"""PostgreSQL guards: TRUNCATE is refused on every append-only table, as UPDATE and DELETE are.

Row triggers (migrations 0002 and 0004) do not fire on TRUNCATE, so until now a client
that could truncate could empty the ledger, the public log or the staff audit log. These
statement triggers refuse it whoever asks, the tables' owner included. The runtime role
has no TRUNCATE privilege either (`manage.py grant_runtime_role`, docs/deployment.md).
"""

from django.db import migrations

TABLES = ("ledger_transaction", "ledger_posting", "ledger_logentry", "ledger_checkpoint", "staff_auditentry")


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION solidarity_refuse_change()",
            params=None,
        )


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0007_public_log_moves_out"),
        ("staff", "0001_initial"),
    ]
    operations = [migrations.RunPython(forward, backward)]
