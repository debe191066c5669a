from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solidarity.core.errors import CurrencyMismatch, InvalidAmount, UnknownCurrency
from solidarity.core.formatting import format_money
from solidarity.core.money import Money, parse_money


def test_minor_units_round_trip_for_two_and_zero_decimal_currencies() -> None:
    assert Money(Decimal("1125.50"), "EUR").minor == 112550
    assert Money.from_minor(112550, "EUR").amount == Decimal("1125.50")
    assert Money.from_minor(500, "JPY").amount == Decimal(500)


def test_float_is_refused() -> None:
    with pytest.raises(InvalidAmount):
        Money(0.1, "EUR")  # type: ignore[arg-type]


def test_more_decimals_than_the_currency_has_is_refused() -> None:
    with pytest.raises(InvalidAmount):
        Money(Decimal("1.005"), "EUR")
    with pytest.raises(InvalidAmount):
        Money(Decimal("1.5"), "JPY")


def test_unknown_currency_is_refused() -> None:
    with pytest.raises(UnknownCurrency):
        Money(Decimal(1), "EUX")
    with pytest.raises(UnknownCurrency):
        Money(Decimal(1), "XXX")


def test_mixing_currencies_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        Money(Decimal(1), "EUR") + Money(Decimal(1), "USD")
    with pytest.raises(CurrencyMismatch):
        _ = Money(Decimal(1), "EUR") < Money(Decimal(1), "USD")


def test_parse_money_accepts_spaces_and_decimal_comma() -> None:
    assert parse_money("1 125,50", "EUR") == Money(Decimal("1125.50"), "EUR")
    assert parse_money("1125.5", "eur") == Money(Decimal("1125.50"), "EUR")
    with pytest.raises(InvalidAmount):
        parse_money("ten", "EUR")
    with pytest.raises(InvalidAmount):
        parse_money("NaN", "EUR")


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("en", "€1,125"), ("ru", "1\u00a0125\u00a0€"), ("be", "1\u00a0125\u00a0€")],
)
def test_seed_total_is_formatted_per_locale(locale: str, expected: str) -> None:
    assert format_money(Money(Decimal(1125), "EUR"), locale) == expected


def test_cents_are_shown_only_when_present() -> None:
    assert format_money(Money(Decimal("1125.50"), "EUR"), "en") == "€1,125.50"
    assert format_money(Money(Decimal("10"), "USD"), "en") == "$10"


@given(st.integers(min_value=-(10**15), max_value=10**15), st.integers(min_value=-(10**15), max_value=10**15))
def test_addition_in_minor_units_is_exact(a: int, b: int) -> None:
    assert (Money.from_minor(a, "EUR") + Money.from_minor(b, "EUR")).minor == a + b
