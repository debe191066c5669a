"""Bank lines' payer name, account and remittance text move under a per-line data key.

Existing plaintext is sealed under a fresh data key per line; 0005 drops the plain
columns (a separate migration: PostgreSQL refuses to alter a table with pending
deferred-constraint events in the same transaction). On a server that already ran with plain columns, old row versions of that
plaintext may survive in the table file until `VACUUM FULL payments_bankline` (and in WAL
segments and backups taken before): docs/security.md, "Crypto-shredding".
"""

import django.db.models.deletion
from django.db import migrations, models


def seal_existing(apps, schema_editor):
    from solidarity.core.shredding import new_wrapped_key
    from solidarity.payments.payer_details import PayerDetails, seal_payer_details

    BankLine = apps.get_model("payments", "BankLine")
    DataKey = apps.get_model("core", "DataKey")
    for line in BankLine.objects.order_by("pk").iterator():
        details = PayerDetails(name=line.payer_name, account=line.payer_account, text=line.remittance)
        if not details:
            continue
        key = DataKey.objects.create(wrapped=new_wrapped_key())
        BankLine.objects.filter(pk=line.pk).update(
            data_key=key, payer_sealed=seal_payer_details(key, details), payer_name="", payer_account="", remittance=""
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("payments", "0005_provider_event_failed"),
    ]

    operations = [
        migrations.AddField(
            model_name="bankline",
            name="data_key",
            field=models.ForeignKey(
                blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="core.datakey"
            ),
        ),
        migrations.AddField(
            model_name="bankline",
            name="payer_sealed",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
