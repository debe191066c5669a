# ExchangeRate moves here from payments: the table (payments_exchangerate) stays as it is,
# only Django's record of which app owns the model changes.

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("payments", "0002_provider_event_received"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ExchangeRate",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("day", models.DateField()),
                        ("currency", models.CharField(max_length=3)),
                        ("per_euro", models.CharField(max_length=24)),
                        ("source", models.CharField(default="ECB", max_length=40)),
                    ],
                    options={
                        "db_table": "payments_exchangerate",
                        "indexes": [models.Index(fields=["currency", "-day"], name="payments_ex_currenc_03b0d1_idx")],
                        "constraints": [
                            models.UniqueConstraint(fields=("day", "currency", "source"), name="rate_once_per_day")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
