"""The foundation's reserve account, and campaign funds that never go into debit.

A campaign fund is a liability: it holds (credit balance) what donors gave for one
campaign. No posting may leave it in debit — paying out, returning or holding more than it
holds. The application refuses such outflows before posting (and covers outflows nobody
chose, such as a lost dispute, from the new `reserve` account); on PostgreSQL this deferred
constraint trigger refuses them at commit whatever client writes, so no code path can.
It fires only for debit postings (the ones that lower a credit balance). SQLite relies on
the application and on `verify_ledger`.
"""

from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION solidarity_check_never_in_debit() RETURNS trigger AS $$
DECLARE
  acct record;
  total bigint;
BEGIN
  SELECT id, owner, purpose, currency INTO acct FROM ledger_account WHERE id = NEW.account_id;
  IF acct.purpose <> 'campaign_fund' THEN
    RETURN NULL;
  END IF;
  SELECT coalesce(sum(amount_minor), 0) INTO total FROM ledger_posting WHERE account_id = NEW.account_id;
  IF total > 0 THEN
    RAISE EXCEPTION 'ledger transaction % would leave the % account of % at % % below zero',
      NEW.transaction_id, acct.purpose, acct.owner, total, acct.currency
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_posting_fund_never_in_debit AFTER INSERT ON ledger_posting
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NEW.amount_minor > 0)
  EXECUTE FUNCTION solidarity_check_never_in_debit();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_posting_fund_never_in_debit ON ledger_posting;
DROP FUNCTION IF EXISTS solidarity_check_never_in_debit();
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0009_verification_run"),
    ]

    operations = [
        migrations.AlterField(
            model_name="account",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("campaign_fund", "Campaign fund"),
                    ("cash", "Cash on hand"),
                    ("bank", "Bank account"),
                    ("card_processor", "Card processor balance"),
                    ("other_platform", "Other platforms"),
                    ("fees", "Payment fees"),
                    ("disputed", "Held while a card payment is disputed"),
                    ("fx", "Currency exchange"),
                    ("disbursed", "Paid out to needs"),
                    ("reserve", "Foundation reserve"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
