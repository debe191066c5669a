"""Fixtures shared by the payout tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Labels and need texts are read in English here, whatever an earlier test left active."""
    with translation.override("en"):
        yield
