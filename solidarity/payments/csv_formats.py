"""Banks' CSV layouts saved in the back office (`CsvFormat`) and turned into parser mappings."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from solidarity.payments.models import CsvFormat
from solidarity.payments.own_accounts import ForeignAccount, is_own_account
from solidarity.payments.statements import CsvMapping
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit


def csv_mapping_of(csv_format: CsvFormat) -> CsvMapping:
    """The parser's mapping for a saved layout; StatementError when it is incomplete."""
    remittance = tuple(c.strip() for c in csv_format.remittance_columns.split(",") if c.strip())
    return CsvMapping(
        date=csv_format.date_column,
        amount=csv_format.amount_column,
        debit=csv_format.debit_column,
        credit=csv_format.credit_column,
        currency=csv_format.currency_column,
        fixed_currency=csv_format.fixed_currency.upper(),
        remittance=remittance,
        payer_name=csv_format.payer_name_column,
        payer_account=csv_format.payer_account_column,
        bank_reference=csv_format.bank_reference_column,
        value_date=csv_format.value_date_column,
        end_to_end_id=csv_format.end_to_end_column,
        structured_reference=csv_format.structured_reference_column,
        date_format=csv_format.date_format,
        decimal_comma=csv_format.decimal_comma,
        delimiter=csv_format.delimiter,
        account=csv_format.account,
        encoding=csv_format.encoding,
        skip_lines=csv_format.skip_lines,
    )


def save_csv_format(*, csv_format: CsvFormat, actor: Any) -> CsvFormat:
    """Save a bank's CSV layout for re-use; refused when incomplete or not of an own account."""
    require_role(actor, Role.FINANCE)
    csv_mapping_of(csv_format)  # raises a StatementError naming what is missing
    if not is_own_account(csv_format.account):
        raise ForeignAccount(
            _("%(account)s is not one of the foundation's own accounts (SOLIDARITY_OWN_ACCOUNTS).")
            % {"account": csv_format.account}
        )
    with transaction.atomic():
        created = csv_format.pk is None
        csv_format.save()
        record_audit(
            actor=actor,
            action="payments.save_csv_format",
            target=csv_format,
            name=csv_format.name,
            created=created,
        )
    return csv_format
