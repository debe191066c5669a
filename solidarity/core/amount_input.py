"""Amounts as people type them into a public form, read per locale, refused when unclear.

The rules (docs/security.md, "Hostile input"), for the page's language (`en`, `ru`, `be`):

- Digits are any Unicode decimal digits (Arabic-Indic ٠–٩, Persian ۰–۹, Devanagari,
  full-width…): a donor on an Arabic keyboard types ٥٠ and means 50, so they are read
  deliberately, through `unicodedata.decimal`, never by accident of `Decimal()`. The
  Arabic decimal separator ٫ is a decimal mark and ٬ a thousands separator.
- Spaces of every kind (also no-break and thin spaces) and apostrophes group thousands.
- A number with both `.` and `,` uses the last one as the decimal mark and the other to
  group thousands ("5.000,50" and "5,000.50" are both 5000.50 in every language).
- A mark that appears more than once groups thousands ("1.000.000").
- A single mark followed by exactly three digits ("5,000", "1.000") could group
  thousands or mark three decimals. It groups thousands when the page's language uses it
  that way (`,` in English), and is otherwise read as a decimal mark — which gives three
  decimals, more than EUR/USD/PLN have, so it is refused with a message saying how it was
  read and how to write thousands. So "5,000" is never silently five.
- A single mark followed by one, two or four and more digits is a decimal mark
  ("12,34" and "12.34" are 12.34 everywhere: no one groups digits in twos).
- Groups of thousands have exactly three digits (the first one to three): "1,00,000"
  and "50 00" are refused rather than guessed.
- Nothing else is a number: signs, exponents ("1e99"), "NaN", "Infinity", currency
  symbols and letters are refused. More decimals than the currency has are refused
  (never rounded), as are zero, and amounts above the given maximum.

Babel supplies each language's own decimal and grouping symbols and formats what was
read back to the donor. Every refusal is an `InvalidAmount` whose message is already
translated into the active language.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol
from django.utils.translation import gettext as _

from solidarity.core.errors import InvalidAmount
from solidarity.core.formatting import current_locale, format_money
from solidarity.core.money import Money, minor_exponent

# Far above any gift and any family's need, far below what integer minor units can hold.
HARD_MAXIMUM = Decimal(10) ** 12
_MAX_DIGITS = 18
_ARABIC_DECIMAL = "\u066b"
_ARABIC_GROUP = "\u066c"
_APOSTROPHES = "'\u2019\u02bc"
_GROUPED = re.compile(r"\d{1,3}(?:G\d{3})+")


def _language(locale: str | None) -> str:
    return (locale or current_locale()).split("-")[0].split("_")[0] or "en"


def _symbols(language: str) -> tuple[str, str]:
    """(decimal mark, thousands mark) of the language, reduced to '.', ',' or ' '."""
    try:
        decimal, group = get_decimal_symbol(language), get_group_symbol(language)
    except (ValueError, LookupError):
        decimal, group = ".", ","
    group = " " if not group.strip() else group
    return decimal, group


def _digits_only(text: str) -> str:
    """The text with every Unicode decimal digit as ASCII and every space as ' '."""
    out = []
    for char in text:
        if char.isdigit() and unicodedata.decimal(char, None) is not None:
            out.append(str(unicodedata.decimal(char)))
        elif char.isspace() or unicodedata.category(char) == "Zs" or char in _APOSTROPHES or char == _ARABIC_GROUP:
            out.append(" ")
        elif unicodedata.category(char) == "Cf":
            continue  # invisible: zero-width spaces, direction marks
        else:
            out.append(char)
    return re.sub(" +", " ", "".join(out)).strip()


def _example(language: str) -> str:
    return format_decimal(Decimal("1500.50"), format="#,##0.00", locale=language)


def _not_a_number(language: str) -> InvalidAmount:
    return InvalidAmount(
        _("Enter the amount as a number, for example %(example)s.") % {"example": _example(language)},
        code="not_a_number",
    )


def _join_groups(text: str, mark: str) -> str:
    """'1 000 000' → '1000000' if every group after the first has three digits."""
    pattern = text.replace(mark, "G")
    if "G" not in pattern:
        return text
    if not _GROUPED.fullmatch(pattern):
        raise InvalidAmount(
            _("We could not read the thousands in this amount. Write it without separators, for example %(example)s.")
            % {"example": "1500"},
            code="bad_grouping",
        )
    return pattern.replace("G", "")


def _read(text: str, language: str) -> tuple[Decimal, bool]:
    """(the value, whether a lone three-digit tail was read as decimals)."""
    decimal_mark, group_mark = _symbols(language)
    if _ARABIC_DECIMAL in text:  # unambiguous
        whole, _sep, fraction = text.partition(_ARABIC_DECIMAL)
        marks_whole = whole.replace(",", " ").replace(".", " ")
        return _compose(language, _join_groups(marks_whole, " "), fraction), False
    dots, commas = text.count("."), text.count(",")
    if dots and commas:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        group = "," if decimal == "." else "."
        whole, _sep, fraction = text.rpartition(decimal)
        if decimal in whole:
            raise _not_a_number(language)
        whole = _join_groups(_join_groups(whole, group), " ")
        return _compose(language, whole, fraction), False
    mark = "." if dots else "," if commas else ""
    if not mark:
        return _compose(language, _join_groups(text, " "), ""), False
    if text.count(mark) > 1:
        return _compose(language, _join_groups(_join_groups(text, mark), " "), ""), False
    whole, _sep, fraction = text.partition(mark)
    lone_three = len(fraction) == 3 and re.fullmatch(r"\d{1,3}", whole) is not None and whole != "0"
    if lone_three and mark == group_mark and mark != decimal_mark:
        return _compose(language, whole + fraction, ""), False
    return _compose(language, _join_groups(whole, " "), fraction), lone_three


def _compose(language: str, whole: str, fraction: str) -> Decimal:
    if not re.fullmatch(r"\d+", whole) or (fraction and not re.fullmatch(r"\d+", fraction)):
        raise _not_a_number(language)
    if len(whole) + len(fraction) > _MAX_DIGITS:
        raise InvalidAmount(_("This amount is too large."), code="too_large")
    return Decimal(f"{whole}.{fraction}" if fraction else whole)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def parse_amount(text: str, currency: str, *, maximum: Money | None = None, locale: str | None = None) -> Money:
    """Read an amount a person typed, as their language writes numbers, or raise InvalidAmount.

    `maximum` (in `currency`) refuses larger amounts with a message naming it; without it,
    only absurd amounts (over a trillion) are refused.
    """
    language = _language(locale)
    text = _digits_only(str(text))
    if not text:
        raise InvalidAmount(_("Enter an amount."), code="empty")
    if text.startswith(("-", "\u2212")):
        raise InvalidAmount(_("The amount must be more than zero."), code="not_positive")
    if not re.fullmatch(r"[0-9., \u066b]+", text):
        raise _not_a_number(language)
    value, lone_three = _read(text, language)
    allowed = minor_exponent(currency)
    if _places(value) > allowed:
        read = format_decimal(value, format="#,##0." + "0" * _places(value), locale=language)
        message = _("We read this as %(read)s, with more decimal places than %(currency)s has (%(allowed)d).") % {
            "read": read,
            "currency": currency,
            "allowed": allowed,
        }
        if lone_three:
            thousands = value.scaleb(3)
            message += " " + _("For %(thousands)s, write %(example)s.") % {
                "thousands": format_decimal(thousands, locale=language),
                "example": format(thousands.normalize(), "f"),
            }
        raise InvalidAmount(message, code="too_many_decimals")
    if not value:
        raise InvalidAmount(_("The amount must be more than zero."), code="not_positive")
    limit = maximum.amount if maximum is not None else HARD_MAXIMUM
    if value > limit:
        if maximum is None:
            raise InvalidAmount(_("This amount is too large."), code="too_large")
        raise InvalidAmount(
            _("We read this as %(read)s; a single donation cannot exceed %(maximum)s.")
            % {"read": format_money(Money(value, currency), language), "maximum": format_money(maximum, language)},
            code="too_large",
        )
    return Money(value, currency)
