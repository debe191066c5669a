"""Exact money: a Decimal amount and its ISO 4217 currency, never a float.

Storage uses integer minor units (`Money.minor`, `Money.from_minor`) so that every
database, SQLite included, adds them exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from functools import cache

from babel.numbers import get_currency_precision, list_currencies
from django.utils.translation import gettext as _

from solidarity.core.errors import CurrencyMismatch, InvalidAmount, UnknownCurrency

# Codes Babel knows but that are not money anyone can give (test, metals, funds).
_NON_MONEY = {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}


@cache
def _known_currencies() -> frozenset[str]:
    return frozenset(c for c in list_currencies() if len(c) == 3 and c.isalpha() and c not in _NON_MONEY)


def validate_currency(code: str) -> str:
    """Return the upper-cased ISO 4217 code, or raise UnknownCurrency."""
    if not isinstance(code, str):
        raise UnknownCurrency(f"Currency must be a three-letter ISO 4217 code, not {code!r}.")
    upper = code.strip().upper()
    if upper not in _known_currencies():
        raise UnknownCurrency(
            _("Unknown currency %(code)s: expected an ISO 4217 code such as EUR.") % {"code": repr(code)}
        )
    return upper


def minor_exponent(currency: str) -> int:
    """Number of decimal places of the currency's minor unit (EUR 2, JPY 0)."""
    return int(get_currency_precision(validate_currency(currency)))


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Arithmetic refuses to mix currencies."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        currency = validate_currency(self.currency)
        amount = self.amount
        if isinstance(amount, float | bool):
            raise InvalidAmount("Money amounts must be Decimal, int or str, never float.")
        try:
            amount = Decimal(amount)
        except (InvalidOperation, TypeError, ValueError) as exc:
            raise InvalidAmount(_("Not an amount: %(amount)s.") % {"amount": repr(self.amount)}) from exc
        if not amount.is_finite():
            raise InvalidAmount(_("Not a finite amount: %(amount)s.") % {"amount": repr(self.amount)})
        quantum = Decimal(1).scaleb(-minor_exponent(currency))
        if amount != amount.quantize(quantum, rounding=ROUND_HALF_EVEN):
            raise InvalidAmount(
                _("%(amount)s has more decimal places than %(currency)s allows.")
                % {"amount": amount, "currency": currency}
            )
        object.__setattr__(self, "amount", amount.quantize(quantum))
        object.__setattr__(self, "currency", currency)

    @classmethod
    def from_minor(cls, minor: int, currency: str) -> Money:
        if isinstance(minor, bool) or not isinstance(minor, int):
            raise InvalidAmount(f"Minor units must be an integer, not {minor!r}.")
        return cls(Decimal(minor).scaleb(-minor_exponent(currency)), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @property
    def minor(self) -> int:
        return int(self.amount.scaleb(minor_exponent(self.currency)))

    def _check(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"Cannot combine Money with {type(other).__name__}.")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                _("Cannot combine %(currency)s with %(other)s.") % {"currency": self.currency, "other": other.currency}
            )
        return other

    def __add__(self, other: object) -> Money:
        return Money(self.amount + self._check(other).amount, self.currency)

    def __sub__(self, other: object) -> Money:
        return Money(self.amount - self._check(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: object) -> bool:
        return self.amount < self._check(other).amount

    def __le__(self, other: object) -> bool:
        return self.amount <= self._check(other).amount

    def __gt__(self, other: object) -> bool:
        return self.amount > self._check(other).amount

    def __ge__(self, other: object) -> bool:
        return self.amount >= self._check(other).amount

    def is_positive(self) -> bool:
        return self.amount > 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


def parse_money(amount: str | int | Decimal, currency: str) -> Money:
    """Parse user input ("1 125,50" or "1125.50") into Money, or raise InvalidAmount."""
    if isinstance(amount, str):
        text = amount.strip().replace("\u00a0", "").replace(" ", "")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not text:
            raise InvalidAmount(_("Enter an amount."))
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise InvalidAmount(_("Not an amount: %(amount)s.") % {"amount": repr(amount)}) from exc
        return Money(value, currency)
    return Money(Decimal(amount), currency)
