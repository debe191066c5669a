"""What a person types into one search box, read as the one thing it names.

- an RF creditor reference, with any spacing, hyphens or case ("rf18 s1ab cdef");
- a receipt code, with or without its dashes: looked up by its hash, never kept;
- an amount: "40", "40.00", "40,00", "1 125,50", "1,125.50", optionally with a currency
  ("40 EUR", "EUR 40"), matched on the integer minor units of every currency;
- a day: "2026-11-20" or "20.11.2026";
- a donation number: "#42".

Anything else is free text, left to the list's ordinary search.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import get_currency_precision, list_currencies
from django.db.models import Q

from solidarity.donations.receipts import hash_receipt_code, normalize_receipt_code
from solidarity.donations.references import is_valid_rf, normalise_rf

_AMOUNT = re.compile(r"^(?:([A-Za-z]{3})\s*)?(\d[\d\s.,'\u00a0\u202f]*)(?:\s*([A-Za-z]{3}))?$")
_RECEIPT = re.compile(r"^[A-Z2-7]{26}$")  # 128 bits in base32, as new_receipt_code writes them
_RF_LIKE = re.compile(r"^RF\d{2}[0-9A-Z]{1,21}$")
_DONATION_NUMBER = re.compile(r"^#(\d{1,18})$")


@lru_cache(maxsize=1)
def _exponents() -> dict[int, frozenset[str]]:
    """Currency codes by the number of their minor digits, for the exponents other than 2."""
    groups: dict[int, set[str]] = {}
    for code in list_currencies():
        groups.setdefault(int(get_currency_precision(code)), set()).add(code)
    return {exponent: frozenset(codes) for exponent, codes in groups.items()}


def parse_decimal(text: str) -> Decimal | None:
    """A typed number with either decimal separator and any thousands grouping, or None."""
    text = re.sub(r"[\s'\u00a0\u202f]", "", text)
    if not text or not re.fullmatch(r"\d[\d.,]*", text) or text[-1] in ".,":
        return None
    separators = [ch for ch in text if ch in ".,"]
    if len(set(separators)) == 2:  # "1.125,50" or "1,125.50": the last one is the decimal point
        decimal_point = separators[-1]
        grouping = "." if decimal_point == "," else ","
        if separators.count(decimal_point) > 1:
            return None
        text = text.replace(grouping, "").replace(decimal_point, ".")
    elif len(separators) == 1 and len(text.rsplit(separators[0], 1)[1]) <= 2:
        text = text.replace(",", ".")  # "40,00", "40.5": a decimal point
    else:
        text = text.replace(".", "").replace(",", "")  # "1,125", "1.125.000": grouping
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def amount_lookup(term: str, *, minor_field: str = "amount_minor", currency_field: str = "currency") -> Q | None:
    """Rows whose amount is the typed one, in any currency (or the one named), or None if
    the term is not an amount."""
    found = _AMOUNT.match(term.strip())
    if not found or (found.group(1) and found.group(3)):
        return None
    value = parse_decimal(found.group(2))
    named = (found.group(1) or found.group(3) or "").upper()
    if value is None or (named and named not in list_currencies()):
        return None
    other_exponents = _exponents()
    unusual = frozenset().union(*(codes for exponent, codes in other_exponents.items() if exponent != 2))
    lookup = Q(pk__in=[])
    for exponent in sorted(other_exponents):
        minor = value.scaleb(exponent)
        if minor != minor.to_integral_value():
            continue  # "40.50" is no amount of yen
        codes: frozenset[str] = other_exponents[exponent]
        if named:
            if named not in codes:
                continue
            match = Q(**{currency_field: named})
        elif exponent == 2:
            match = ~Q(**{f"{currency_field}__in": sorted(unusual)})
        else:
            match = Q(**{f"{currency_field}__in": sorted(codes)})
        lookup |= Q(**{minor_field: int(minor)}) & match
    return lookup


def day_lookup(term: str) -> dt.date | None:
    """A typed day: ISO "2026-11-20" or European "20.11.2026"."""
    text = term.strip()
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def rf_reference(term: str) -> str | None:
    """The electronic form of a typed RF reference with valid check digits, or None."""
    reference = normalise_rf(term)
    return reference if _RF_LIKE.match(reference) and is_valid_rf(reference) else None


def receipt_code_hash(term: str) -> str | None:
    """The stored hash of a typed receipt code, or None when the term is not one."""
    code = normalize_receipt_code(term)
    return hash_receipt_code(code) if _RECEIPT.match(code) else None


def donation_lookup(term: str) -> Q | None:
    """The donations one search term names, or None for free text."""
    term = term.strip()
    if not term:
        return None
    if number := _DONATION_NUMBER.match(term):
        return Q(pk=int(number.group(1)))
    if reference := rf_reference(term):
        return Q(bank_reference=reference)
    if digest := receipt_code_hash(term):
        return Q(receipt_code_hash=digest)
    if day := day_lookup(term):
        return Q(received_on=day)
    return amount_lookup(term)
