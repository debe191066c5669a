"""Public names and messages lose what can hide or reorder what they say."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from solidarity.core.text_input import clean_public_text


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("Anna\u202egnp.exe", "Annagnp.exe"),  # right-to-left override
        ("\u2066Anna\u2069", "Anna"),  # isolates
        ("\u202aA\u202bB\u202cC\u202dD", "ABCD"),
        ("A\u200eB\u200fC\u061c", "ABC"),  # direction marks
        ("A\x00B\x07C\x1bD\x7fE\x85F", "ABCDEF"),  # NUL, C0 and C1 controls
        ("A\u200bB\ufeffC", "ABC"),  # zero-width space, BOM
        ("a\tb", "a b"),
        ("line 1\r\nline 2\rline 3", "line 1\nline 2\nline 3"),
        ("\U0001f468\u200d\U0001f469\u200d\U0001f467", "\U0001f468\u200d\U0001f469\u200d\U0001f467"),  # ZWJ stays
        ("Сяргей Саковец", "Сяргей Саковец"),
        ("مرحبا", "مرحبا"),  # right-to-left text itself is fine
    ],
)
def test_controls_and_direction_overrides_are_removed(text: str, cleaned: str) -> None:
    assert clean_public_text(text) == cleaned


def test_a_single_line_field_loses_its_line_breaks() -> None:
    assert clean_public_text("Anna\n\n  Doe\u2028", multiline=False) == "Anna Doe"


@given(st.text())
def test_nothing_invisible_or_controlling_survives(text: str) -> None:
    cleaned = clean_public_text(text)
    assert all(c == "\n" or c == "\u200d" or unicodedata.category(c) not in ("Cc", "Cf", "Cs") for c in cleaned)
    assert clean_public_text(cleaned) == cleaned
