"""Card-testing defence without tracking anyone.

- Per-client limit on Checkout Session creation, keyed by the client's pseudonym for the
  window (solidarity.core.client_pseudonyms: an HMAC of the address under a random key
  that lives only in the cache and only for the window); the count lives only in the
  cache and expires. No address is stored or logged.
- A site-wide circuit breaker: when most recent card payments fail (the signature of card
  testing), Session creation is throttled for everyone for a while.
- The form's honeypot field and a minimum amount are checked by the form and the service.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from solidarity.core.client_pseudonyms import client_pseudonym, count_hit

WINDOW_SECONDS = 600
# Checkout Sessions per client per window: SOLIDARITY_CARD_CHECKOUTS_PER_CLIENT (default 8).
PER_CLIENT_LIMIT = int(getattr(settings, "SOLIDARITY_CARD_CHECKOUTS_PER_CLIENT", 8))
BREAKER_WINDOW = 900
BREAKER_MIN_ATTEMPTS = 20
BREAKER_FAILURE_RATIO = 0.5
TRIPPED_SESSIONS_PER_MINUTE = 3


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0
    reason: str = ""


def client_key(request: HttpRequest) -> str:
    """The client's pseudonym for the current rate-limit window."""
    return client_pseudonym(request, window=WINDOW_SECONDS)


def _bucket(prefix: str, seconds: int) -> str:
    return f"ct:{prefix}:{int(time.time() // seconds)}"


def breaker_tripped() -> bool:
    attempts = int(cache.get(_bucket("attempts", BREAKER_WINDOW)) or 0)
    failures = int(cache.get(_bucket("failures", BREAKER_WINDOW)) or 0)
    return attempts >= BREAKER_MIN_ATTEMPTS and failures / attempts >= BREAKER_FAILURE_RATIO


def allow_checkout(request: HttpRequest) -> Decision:
    """Decide whether this request may create a Checkout Session now; counts it if so."""
    per_client = count_hit(f"ct:client:{client_key(request)}:{int(time.time() // WINDOW_SECONDS)}", WINDOW_SECONDS)
    if per_client > PER_CLIENT_LIMIT:
        return Decision(False, WINDOW_SECONDS - int(time.time() % WINDOW_SECONDS), "per_client")
    if breaker_tripped():
        this_minute = count_hit(_bucket("tripped", 60), 60)
        if this_minute > TRIPPED_SESSIONS_PER_MINUTE:
            return Decision(False, 60 - int(time.time() % 60), "breaker")
    return Decision(True)


def record_card_outcome(*, succeeded: bool) -> None:
    """Feed the breaker: every finished card attempt, and whether it failed."""
    count_hit(_bucket("attempts", BREAKER_WINDOW), BREAKER_WINDOW)
    if not succeeded:
        count_hit(_bucket("failures", BREAKER_WINDOW), BREAKER_WINDOW)
