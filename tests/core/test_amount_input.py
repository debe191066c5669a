"""Amounts read as each language writes them; anything unclear refused, saying how it was read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from solidarity.core.amount_input import parse_amount
from solidarity.core.errors import InvalidAmount
from solidarity.core.money import Money

MAX = Money(Decimal(100000), "EUR")
BIG = Money(Decimal(10**8), "EUR")


@pytest.mark.parametrize(
    ("language", "typed", "amount"),
    [
        ("en", "5,000", "5000"),
        ("en", "2,500", "2500"),
        ("en", "5 000", "5000"),
        ("en", "5\u00a0000", "5000"),
        ("en", "5,000.50", "5000.50"),
        ("en", "5.000,50", "5000.50"),
        ("en", "5000,50", "5000.50"),
        ("en", "12,34", "12.34"),
        ("en", "10,000,000", "10000000"),
        ("ru", "5 000", "5000"),
        ("ru", "5\u202f000", "5000"),
        ("ru", "5000,50", "5000.50"),
        ("ru", "5.000,50", "5000.50"),
        ("ru", "25,5", "25.50"),
        ("be", "5 000,50", "5000.50"),
        ("be", "12.34", "12.34"),
        ("en", "\u0665\u0660", "50"),  # Arabic-Indic ٥٠
        ("ru", "\u06f2\u06f5", "25"),  # Extended Arabic-Indic (Persian) ۲۵
        ("en", "\u0661\u066c\u0660\u0660\u0660\u066b\u0665\u0660", "1000.50"),  # ١٬٠٠٠٫٥٠
        ("en", " 25 ", "25"),
        ("en", "2\u200b5", "25"),  # a zero-width space is invisible, not a separator
    ],
)
def test_amounts_are_read_as_the_language_writes_them(language: str, typed: str, amount: str) -> None:
    assert parse_amount(typed, "EUR", maximum=BIG, locale=language) == Money(Decimal(amount), "EUR")


@pytest.mark.parametrize("language", ["ru", "be"])
@pytest.mark.parametrize("typed", ["5,000", "1,000", "2.500"])
def test_a_comma_language_refuses_three_decimals_and_says_how_it_read_them(language: str, typed: str) -> None:
    with translation.override("en"), pytest.raises(InvalidAmount) as refused:
        parse_amount(typed, "EUR", maximum=MAX, locale=language)
    assert refused.value.code == "too_many_decimals"
    assert "We read this as" in refused.value.message and "write" in refused.value.message


def test_english_one_point_three_digits_is_refused_not_a_thousand_times_smaller() -> None:
    with translation.override("en"), pytest.raises(InvalidAmount) as refused:
        parse_amount("1.000", "EUR", maximum=MAX, locale="en")
    assert (
        refused.value.message
        == "We read this as 1.000, with more decimal places than EUR has (2). For 1,000, write 1000."
    )


def test_refusals_are_in_the_page_language() -> None:
    with translation.override("ru"), pytest.raises(InvalidAmount) as refused:
        parse_amount("NaN", "EUR", maximum=MAX)
    assert "Введите сумму" in refused.value.message


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("1e99", "not_a_number"),
        ("1e27", "not_a_number"),
        ("1E5", "not_a_number"),
        ("NaN", "not_a_number"),
        ("nan", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("-Infinity", "not_positive"),
        ("€5", "not_a_number"),
        ("0x10", "not_a_number"),
        ("5,5,5.5", "bad_grouping"),
        ("-5", "not_positive"),
        ("0", "not_positive"),
        ("0,00", "not_positive"),
        ("", "empty"),
        ("\u202e", "empty"),
        ("1,00,000", "bad_grouping"),
        ("50 00", "bad_grouping"),
        ("12.345", "too_many_decimals"),
        ("100001", "too_large"),
        ("9" * 40, "too_large"),
        ("\u00b2", "not_a_number"),  # a superscript is not a digit one pays with
    ],
)
def test_what_is_not_an_amount_is_refused(typed: str, code: str) -> None:
    with pytest.raises(InvalidAmount) as refused:
        parse_amount(typed, "EUR", maximum=MAX, locale="en")
    assert refused.value.code == code


def test_a_currency_without_decimals_refuses_any() -> None:
    assert parse_amount("5,000", "JPY", locale="en") == Money(Decimal(5000), "JPY")
    with pytest.raises(InvalidAmount):
        parse_amount("50.5", "JPY", locale="en")


def test_the_maximum_names_the_limit_in_the_page_language() -> None:
    with translation.override("ru"), pytest.raises(InvalidAmount) as refused:
        parse_amount("200 000", "EUR", maximum=MAX, locale="ru")
    assert "100\u00a0000\u00a0€" in refused.value.message


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=30), language=st.sampled_from(["en", "ru", "be"]))
def test_any_text_is_an_amount_or_an_invalid_amount(text: str, language: str) -> None:
    with translation.override(language):
        try:
            money = parse_amount(text, "EUR", maximum=MAX, locale=language)
        except InvalidAmount as refused:
            assert refused.message
        else:
            assert Decimal(0) < money.amount <= MAX.amount


@settings(max_examples=200, deadline=None)
@given(cents=st.integers(min_value=1, max_value=10_000_000), language=st.sampled_from(["en", "ru", "be"]))
def test_what_babel_formats_reads_back_as_the_same_amount(cents: int, language: str) -> None:
    from babel.numbers import format_decimal

    value = Decimal(cents).scaleb(-2)
    written = format_decimal(value, format="#,##0.00", locale=language)
    assert parse_amount(written, "EUR", maximum=BIG, locale=language).amount == value
