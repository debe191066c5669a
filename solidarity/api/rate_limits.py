"""Rate limits for anonymous API use, without storing or logging any address.

The client is its pseudonym for the window (`solidarity.core.client_pseudonyms`: an HMAC
of the address under a random key that lives only in the cache and only for the window);
the counts live only in the cache, in fixed windows that expire by themselves. Over Tor all onion visitors share
one address and so one budget; the limits are generous enough for reading.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from solidarity.core.client_pseudonyms import client_pseudonym, count_hit


class AnonymousRateLimit(BaseThrottle):
    """At most `setting` requests (read at request time, so operators and tests can change
    it) per client per `window` seconds for one group of operations."""

    def __init__(self, group: str, *, setting: str, default: int, window: int = 60) -> None:
        self.group = group
        self.setting = setting
        self.default = default
        self.window = window

    @property
    def limit(self) -> int:
        return int(getattr(settings, self.setting, self.default))

    def allow_request(self, request: HttpRequest) -> bool:
        window_no = int(time.time() // self.window)
        pseudonym = client_pseudonym(request, window=self.window)
        used = count_hit(f"api-rl:{self.group}:{pseudonym}:{window_no}", self.window)
        return used <= self.limit

    def wait(self) -> float:
        # Fixed windows: the wait depends only on the clock, so no per-request state is kept.
        return max(1.0, self.window - time.time() % self.window)


PUBLIC_READS = AnonymousRateLimit("read", setting="SOLIDARITY_API_READS_PER_MINUTE", default=120)
RECEIPT_CHECKS = AnonymousRateLimit("receipt", setting="SOLIDARITY_API_RECEIPT_CHECKS_PER_MINUTE", default=10)
