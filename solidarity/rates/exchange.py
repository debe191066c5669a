"""Currency conversion at a recorded reference rate (ECB euro rates, crossed through EUR)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from solidarity.core.errors import DomainError
from solidarity.core.money import Money, minor_exponent
from solidarity.rates.ecb import parse_ecb_rates
from solidarity.rates.models import ExchangeRate

# How old a rate may be before conversion refuses it (weekends and holidays have none).
MAX_RATE_AGE_DAYS = 10


class NoExchangeRate(DomainError):
    code = "no_exchange_rate"


@dataclass(frozen=True)
class Conversion:
    source: Money
    target: Money
    rate: Decimal  # target units per source unit
    rate_day: dt.date
    rate_source: str

    @property
    def description(self) -> str:
        return f"1 {self.source.currency} = {self.rate} {self.target.currency} ({self.rate_source} {self.rate_day})"


def _per_euro(currency: str, day: dt.date) -> tuple[Decimal, dt.date, str]:
    if currency == "EUR":
        return Decimal(1), day, "ECB"
    row = (
        ExchangeRate.objects.filter(
            currency=currency, day__lte=day, day__gte=day - dt.timedelta(days=MAX_RATE_AGE_DAYS)
        )
        .order_by("-day")
        .first()
    )
    if row is None:
        raise NoExchangeRate(
            _("No %(currency)s exchange rate within %(days)s days before %(day)s; import rates first.")
            % {"currency": currency, "days": MAX_RATE_AGE_DAYS, "day": day}
        )
    return row.rate, row.day, row.source


def exchange_rate(source: str, target: str, day: dt.date) -> tuple[Decimal, dt.date, str]:
    """Target units per source unit on `day` (the latest rate on or before it)."""
    src_rate, src_day, name = _per_euro(source, day)
    dst_rate, dst_day, _source = _per_euro(target, day)
    rate = (dst_rate / src_rate).quantize(Decimal("0.0000000001"), rounding=ROUND_HALF_EVEN)
    # The day of the older of the two rates (the euro's own "rate" is the asked day itself).
    return rate, min(src_day, dst_day), name


def convert(money: Money, target_currency: str, *, day: dt.date, rate: Decimal | None = None) -> Conversion:
    """Convert at the day's reference rate (or a given one), rounding half-even to the minor unit."""
    if money.currency == target_currency:
        return Conversion(money, money, Decimal(1), day, "identity")
    if rate is None:
        rate, rate_day, source = exchange_rate(money.currency, target_currency, day)
    else:
        rate_day, source = day, "recorded"
    quantum = Decimal(1).scaleb(-minor_exponent(target_currency))
    target = Money((money.amount * rate).quantize(quantum, rounding=ROUND_HALF_EVEN), target_currency)
    return Conversion(money, target, rate, rate_day, source)


def import_ecb_rates(data: bytes, *, source: str = "ECB") -> tuple[int, int]:
    """Store the rates of an ECB daily or historical file. Returns (new, already known).

    Idempotent: a day's rate for a currency is stored once; a file that restates it with
    a different value is refused rather than silently rewriting history.
    """
    rates = parse_ecb_rates(data)
    new = known = 0
    with transaction.atomic():
        existing = {
            (r.day, r.currency): r.per_euro
            for r in ExchangeRate.objects.filter(source=source, day__in={rate.day for rate in rates})
        }
        rows = []
        for rate in rates:
            stored = existing.get((rate.day, rate.currency))
            if stored is None:
                rows.append(
                    ExchangeRate(day=rate.day, currency=rate.currency, per_euro=str(rate.per_euro), source=source)
                )
                new += 1
            elif Decimal(stored) == rate.per_euro:
                known += 1
            else:
                raise DomainError(
                    f"{source} {rate.currency} rate for {rate.day} is already stored as {stored}; the file says {rate.per_euro}."
                )
        ExchangeRate.objects.bulk_create(rows, batch_size=1000)
    return new, known
