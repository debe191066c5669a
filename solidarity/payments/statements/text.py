"""Text clean-up shared by the statement parsers.

Bank exports carry transport debris: control bytes, tabs, hard line wraps, soft
hyphens that stand in for hyphens, zero-width characters. Matching donations needs
plain text with single spaces, so every free-text field goes through `clean_text`.
U+FFFD (a character the bank already lost) is kept on purpose: it shows staff that
something is missing instead of silently gluing two words together.
"""

from __future__ import annotations

import re
import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
# Between digits a soft hyphen is a mis-encoded hyphen ("22\xad07\xad2010" is a date);
# anywhere else it is an invisible hyphenation hint and is dropped.
_SOFT_HYPHEN_IN_NUMBER = re.compile(r"(?<=\d)\u00ad(?=\d)")
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$")
_NO_REFERENCE = {"NOTPROVIDED", "NONREF", "NOT PROVIDED", "NONE"}


def clean_text(value: str | None) -> str:
    """NFC, no control or zero-width characters, whitespace collapsed to single spaces."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value)
    text = _SOFT_HYPHEN_IN_NUMBER.sub("-", text).replace("\u00ad", "")
    text = text.translate(_ZERO_WIDTH)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(text.split())


def join_texts(parts: list[str]) -> str:
    """Clean each part, drop empty and repeated ones, join with single spaces."""
    seen: list[str] = []
    for part in parts:
        cleaned = clean_text(part)
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return " ".join(seen)


def compact(value: str | None) -> str:
    """Remove all whitespace: account numbers and references are written in groups."""
    return "".join(clean_text(value).split())


def clean_reference(value: str | None) -> str:
    """An identifier, whitespace collapsed; "" for the placeholders banks use for none."""
    ref = clean_text(value)
    return "" if ref.upper() in _NO_REFERENCE else ref


def clean_account(value: str | None) -> str:
    """An IBAN upper-cased and without spaces; other account numbers trimmed."""
    text = clean_text(value)
    squeezed = text.replace(" ", "").upper()
    if _IBAN_SHAPE.match(squeezed):
        return squeezed
    return text


def looks_like_iban(value: str) -> bool:
    """Shape only (country, check digits, BBAN): anonymised samples fail the checksum."""
    return bool(_IBAN_SHAPE.match(value.replace(" ", "").upper()))
