"""ECB euro foreign-exchange reference rates.

The daily file (eurofxref-daily.xml) and the histories (eurofxref-hist.xml,
eurofxref-hist-90d.xml) share one shape: a `gesmes:Envelope` holding
`<Cube time="YYYY-MM-DD">` per day, each with `<Cube currency="USD" rate="1.0163"/>`;
the daily file has one day, the histories many (newest first). Rates are read as
Decimal from the attribute text, never through float, and returned oldest first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from .errors import RatesError

_CURRENCY = re.compile(r"^[A-Z]{3}$")
_RATE = re.compile(r"^\d+(\.\d+)?$")


@dataclass(frozen=True, slots=True)
class EcbRate:
    """How many units of `currency` one euro bought at the ECB reference fixing on `day`."""

    day: date
    currency: str
    per_euro: Decimal


def _parser() -> etree.XMLParser:
    # Same hardening as the statement parser: the file is fetched from outside.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_ecb_rates(data: bytes) -> list[EcbRate]:
    """All rates in an ECB daily or historical file; RatesError if it is not one."""
    if not data or not data.strip():
        raise RatesError("The exchange-rate file is empty.")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise RatesError(f"The exchange-rate file is not well-formed XML (line {exc.lineno}): {exc.msg}.") from exc
    days = [cube for cube in root.iter("{*}Cube") if cube.get("time") is not None]
    if not days:
        raise RatesError("The XML is not an ECB reference-rate file: it has no <Cube time=...> element.")
    rates: dict[tuple[date, str], EcbRate] = {}
    for day_cube in days:
        day = _day(day_cube.get("time") or "")
        entries = day_cube.findall("{*}Cube")
        if not entries:
            raise RatesError(f"The ECB file lists no rates for {day.isoformat()}.")
        for cube in entries:
            rate = _rate(day, cube.get("currency") or "", cube.get("rate") or "")
            key = (rate.day, rate.currency)
            if key in rates:
                raise RatesError(f"The ECB file lists {rate.currency} twice for {day.isoformat()}.")
            rates[key] = rate
    return [rates[key] for key in sorted(rates)]


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise RatesError(f"The ECB file has a day {text!r} that is not a YYYY-MM-DD date.") from exc


def _rate(day: date, currency: str, text: str) -> EcbRate:
    code = currency.strip()
    if not _CURRENCY.match(code) or code == "EUR":
        raise RatesError(f"The ECB file has an invalid currency {currency!r} on {day.isoformat()}.")
    value = text.strip()
    if not _RATE.match(value) or Decimal(value) == 0:
        raise RatesError(f"The ECB file has an invalid {code} rate {text!r} on {day.isoformat()}.")
    return EcbRate(day=day, currency=code, per_euro=Decimal(value))
