"""The indexes that find a movement's twin in another statement, built without stopping
imports (CREATE INDEX CONCURRENTLY on PostgreSQL; docs/upgrades.md)."""

from django.db import migrations, models

from solidarity.core.migration_operations import AddIndexConcurrently


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("payments", "0010_statements_csv_formats_and_preview"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="bankline",
            index=models.Index(fields=["account", "booking_date", "amount_minor"], name="bank_line_movement"),
        ),
        AddIndexConcurrently(
            model_name="bankline",
            index=models.Index(fields=["duplicate_of"], name="bank_line_duplicate_of"),
        ),
    ]
