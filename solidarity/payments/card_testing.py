"""Card-testing defence without tracking anyone.

- Per-client limit on Checkout Session creation, keyed by an HMAC of the client address
  under a key that changes every hour and is derived, never stored; the count lives only
  in the cache and expires. No address is stored or logged.
- A site-wide circuit breaker: when most recent card payments fail (the signature of card
  testing), Session creation is throttled for everyone for a while.
- The form's honeypot field and a minimum amount are checked by the form and the service.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

WINDOW_SECONDS = 600
PER_CLIENT_LIMIT = 8  # Checkout Sessions per client per window
BREAKER_WINDOW = 900
BREAKER_MIN_ATTEMPTS = 20
BREAKER_FAILURE_RATIO = 0.5
TRIPPED_SESSIONS_PER_MINUTE = 3


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0
    reason: str = ""


def _hour_key() -> bytes:
    hour = int(time.time() // 3600)
    return hashlib.sha256(f"{settings.SECRET_KEY}:card-testing:{hour}".encode()).digest()


def client_key(request: HttpRequest) -> str:
    """A short-lived pseudonym for the connecting client; unlinkable across hours."""
    address = request.META.get(settings.SOLIDARITY_CLIENT_ADDRESS_HEADER, "") or request.META.get("REMOTE_ADDR", "")
    address = address.split(",")[0].strip()
    return hmac.new(_hour_key(), address.encode(), hashlib.sha256).hexdigest()[:32]


def _bucket(prefix: str, seconds: int) -> str:
    return f"ct:{prefix}:{int(time.time() // seconds)}"


def _incr(key: str, ttl: int) -> int:
    if cache.add(key, 1, ttl):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, ttl)
        return 1


def breaker_tripped() -> bool:
    attempts = int(cache.get(_bucket("attempts", BREAKER_WINDOW)) or 0)
    failures = int(cache.get(_bucket("failures", BREAKER_WINDOW)) or 0)
    return attempts >= BREAKER_MIN_ATTEMPTS and failures / attempts >= BREAKER_FAILURE_RATIO


def allow_checkout(request: HttpRequest) -> Decision:
    """Decide whether this request may create a Checkout Session now; counts it if so."""
    per_client = _incr(f"ct:client:{client_key(request)}:{int(time.time() // WINDOW_SECONDS)}", WINDOW_SECONDS)
    if per_client > PER_CLIENT_LIMIT:
        return Decision(False, WINDOW_SECONDS - int(time.time() % WINDOW_SECONDS), "per_client")
    if breaker_tripped():
        this_minute = _incr(_bucket("tripped", 60), 60)
        if this_minute > TRIPPED_SESSIONS_PER_MINUTE:
            return Decision(False, 60 - int(time.time() % 60), "breaker")
    return Decision(True)


def record_card_outcome(*, succeeded: bool) -> None:
    """Feed the breaker: every finished card attempt, and whether it failed."""
    _incr(_bucket("attempts", BREAKER_WINDOW), BREAKER_WINDOW)
    if not succeeded:
        _incr(_bucket("failures", BREAKER_WINDOW), BREAKER_WINDOW)
