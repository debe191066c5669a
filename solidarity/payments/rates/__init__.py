"""Foreign-exchange reference rates (ECB euro rates), parsed from the published files."""

from __future__ import annotations

from .ecb import EcbRate, parse_ecb_rates
from .errors import RatesError

__all__ = ["EcbRate", "RatesError", "parse_ecb_rates"]
