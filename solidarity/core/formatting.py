"""Locale-aware display of money, numbers and dates through Babel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from django.utils import translation

from solidarity.core.money import Money


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(code.replace("-", "_"))


@cache
def _whole_pattern(code: str) -> NumberPattern:
    pattern = parse_pattern(_locale(code).currency_formats["standard"].pattern)
    pattern.frac_prec = (0, 0)
    return pattern


def current_locale() -> str:
    return translation.get_language() or "en"


def format_money(money: Money, locale: str | None = None) -> str:
    """'€1,125' in English, '1 125 €' in Russian; cents only when there are any."""
    code = locale or current_locale()
    if money.amount == money.amount.to_integral_value():
        return _whole_pattern(code).apply(money.amount, _locale(code), currency=money.currency, currency_digits=False)
    pattern = parse_pattern(_locale(code).currency_formats["standard"].pattern)
    return pattern.apply(money.amount, _locale(code), currency=money.currency)


def format_number(value: int | Decimal, locale: str | None = None) -> str:
    return format_decimal(value, locale=_locale(locale or current_locale()))


def format_date(value: dt.date, locale: str | None = None, fmt: str = "long") -> str:
    return babel_format_date(value, format=fmt, locale=_locale(locale or current_locale()))


def stored_label(label: object) -> str:
    """A (lazy) label as text to store, such as a ledger memo: always in English, whatever
    language the person whose action wrote it reads."""
    with translation.override("en"):
        return str(label)
