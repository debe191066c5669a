"""Short-lived pseudonyms for connecting clients, for rate limits that track no one.

A client's pseudonym is an HMAC of its address under a random key that exists only in
the cache (Redis in production, configured without persistence: deploy/redis) and only
for one rate-limit window. The key is never derived from, or stored beside, anything on
disk — not SECRET_KEY, not a file — so once its window has passed it is gone, and nobody
holding the server's disks, configuration and old cache counts can recompute which
address a pseudonym stood for. No address is stored or logged anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# The key outlives its window by this much, so a request at the window's last instant
# still finds it; counts keyed by it expire with the window anyway.
GRACE_SECONDS = 5


def window_key(window: int, *, now: float | None = None) -> bytes:
    """The random key of the current `window`-second period, made by whichever process asks first."""
    period = int((time.time() if now is None else now) // window)
    name = f"pseudonym-key:{window}:{period}"
    key = cache.get(name)
    if key is None:
        cache.add(name, secrets.token_bytes(32), window + GRACE_SECONDS)  # the first writer wins
        key = cache.get(name)
    if not isinstance(key, bytes):  # the cache lost it between add and get: fail closed to one bucket
        return b""
    return key


def client_address(request: HttpRequest) -> str:
    """The connecting client's address, used only as HMAC input here and never kept."""
    address = request.META.get(settings.SOLIDARITY_CLIENT_ADDRESS_HEADER, "") or request.META.get("REMOTE_ADDR", "")
    return address.split(",")[0].strip()


def client_pseudonym(request: HttpRequest, *, window: int) -> str:
    """A pseudonym for the client, stable within one `window`-second period and unlinkable after it."""
    return hmac.new(window_key(window), client_address(request).encode(), hashlib.sha256).hexdigest()[:32]


def count_hit(key: str, ttl: int) -> int:
    """Count one hit under `key` (expiring after `ttl` seconds) and return the count so far."""
    if cache.add(key, 1, ttl):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr
        cache.add(key, 1, ttl)
        return 1
