"""PostgreSQL guards: posted rows are append-only and every transaction balances.

The application refuses the same things; these triggers make the database refuse them
too, whatever client writes. SQLite (the development default) relies on the application
and on `verify_ledger`.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION solidarity_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'ledger rows are append-only: % on % refused (post a reversing transaction instead)',
    TG_OP, TG_TABLE_NAME USING ERRCODE = 'integrity_constraint_violation';
END $$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION solidarity_check_balanced() RETURNS trigger AS $$
DECLARE
  txn_id bigint;
  bad record;
  n integer;
BEGIN
  IF TG_TABLE_NAME = 'ledger_posting' THEN txn_id := NEW.transaction_id; ELSE txn_id := NEW.id; END IF;
  SELECT count(*) INTO n FROM ledger_posting WHERE transaction_id = txn_id;
  IF n < 2 THEN
    RAISE EXCEPTION 'ledger transaction % has % posting(s); at least two are required', txn_id, n
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  SELECT currency, sum(amount_minor) AS total INTO bad FROM ledger_posting
    WHERE transaction_id = txn_id GROUP BY currency HAVING sum(amount_minor) <> 0 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'ledger transaction % does not balance: % off by % minor units', txn_id, bad.currency, bad.total
      USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER ledger_posting_balanced AFTER INSERT ON ledger_posting
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION solidarity_check_balanced();
CREATE CONSTRAINT TRIGGER ledger_transaction_balanced AFTER INSERT ON ledger_transaction
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION solidarity_check_balanced();

CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_transaction
  FOR EACH ROW EXECUTE FUNCTION solidarity_refuse_change();
CREATE TRIGGER ledger_posting_append_only BEFORE UPDATE OR DELETE ON ledger_posting
  FOR EACH ROW EXECUTE FUNCTION solidarity_refuse_change();
CREATE TRIGGER staff_auditentry_append_only BEFORE UPDATE OR DELETE ON staff_auditentry
  FOR EACH ROW EXECUTE FUNCTION solidarity_refuse_change();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_transaction_append_only ON ledger_transaction;
DROP TRIGGER IF EXISTS ledger_posting_append_only ON ledger_posting;
DROP TRIGGER IF EXISTS staff_auditentry_append_only ON staff_auditentry;
DROP TRIGGER IF EXISTS ledger_posting_balanced ON ledger_posting;
DROP TRIGGER IF EXISTS ledger_transaction_balanced ON ledger_transaction;
DROP FUNCTION IF EXISTS solidarity_check_balanced();
DROP FUNCTION IF EXISTS solidarity_refuse_change();
"""


def forward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
        ("staff", "0001_initial"),
    ]
    operations = [migrations.RunPython(forward, backward)]
