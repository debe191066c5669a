"""Template filters for money, numbers and dates in the active language."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import template

from solidarity.core.formatting import format_date, format_money, format_number
from solidarity.core.money import Money

register = template.Library()


@register.filter(name="money")
def money_filter(value: Money | None) -> str:
    return "" if value is None else format_money(value)


@register.filter(name="number")
def number_filter(value: int | Decimal | None) -> str:
    return "" if value is None else format_number(value)


@register.filter(name="longdate")
def longdate_filter(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value)


@register.filter(name="monthyear")
def monthyear_filter(value: dt.date | None) -> str:
    if value is None:
        return ""
    return format_date(value, fmt="LLLL y")
