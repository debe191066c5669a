from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("payments", "0006_bank_line_payer_details_sealed")]

    operations = [
        migrations.RemoveField(model_name="bankline", name="payer_account"),
        migrations.RemoveField(model_name="bankline", name="payer_name"),
        migrations.RemoveField(model_name="bankline", name="remittance"),
    ]
