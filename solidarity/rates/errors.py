"""The error raised for an exchange-rate file that cannot be read."""

from __future__ import annotations

from solidarity.core.errors import DomainError


class RatesError(DomainError):
    """An ECB reference-rate file is malformed, empty or holds an impossible rate."""

    code = "invalid_rates"
