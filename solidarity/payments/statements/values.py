"""Amounts and dates read from statement text, with errors that say where they are.

Money is built from Decimal only; a bad number, a currency the platform does not know,
or more decimals than the currency has becomes a `StatementError` naming the place.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from solidarity.core.errors import DomainError
from solidarity.core.money import Money

from .errors import StatementError

_PLAIN_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")


def money(amount: Decimal, currency: str, where: str) -> Money:
    """Money, or a StatementError naming `where` (unknown currency, too many decimals)."""
    try:
        return Money(amount, currency)
    except DomainError as exc:
        raise StatementError(f"{where}: {exc.message}") from exc


def unsigned_decimal(text: str | None, where: str) -> Decimal:
    """An XML amount such as "1405.31": digits, optional point, no sign."""
    value = (text or "").strip()
    if not value:
        raise StatementError(_("%(where)s: 'an empty value' is not an amount.") % {"where": where})
    if not _PLAIN_DECIMAL.match(value):
        raise StatementError(_("%(where)s: %(value)s is not an amount.") % {"where": where, "value": repr(value)})
    try:
        return Decimal(value)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already rules this out
        raise StatementError(
            _("%(where)s: %(value)s is not an amount.") % {"where": where, "value": repr(value)}
        ) from exc


def iso_date(text: str | None, where: str) -> date:
    """The calendar date of an ISO date or date-time, as the bank wrote it.

    "2014-12-31T23:15:00+01:00" is 31 December: the bank's own local date, not UTC,
    because that is the day the money was booked on the account.
    """
    value = (text or "").strip()
    if not value:
        raise StatementError(_("%(where)s: 'an empty value' is not a date.") % {"where": where})
    match = _ISO_DATE.match(value)
    if not match or not _ISO_DATETIME.match(value):
        raise StatementError(_("%(where)s: %(value)s is not a date.") % {"where": where, "value": repr(value)})
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError as exc:
        raise StatementError(
            _("%(where)s: %(value)s is not a real calendar date.") % {"where": where, "value": repr(value)}
        ) from exc
