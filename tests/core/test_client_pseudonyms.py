"""Rate-limit pseudonyms cannot be turned back into addresses: their key is random, lives
only in the cache for one window, and is gone afterwards (issue: a seizure of a live
server recovered test addresses from keys derived from SECRET_KEY)."""

from __future__ import annotations

import hashlib
import hmac
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory

from solidarity.core import client_pseudonyms

ADDRESS = "203.0.113.7"
WINDOW = 600


@pytest.fixture
def clock(monkeypatch):
    """Drive time: the pseudonyms and the in-process cache's expiry both read time.time."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


@pytest.fixture
def local_cache(settings):
    """A process-memory cache (as in development), so expiry follows the driven clock."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pseudo"}}
    cache.clear()
    yield cache
    cache.clear()


def pseudonym(address: str = ADDRESS) -> str:
    return client_pseudonyms.client_pseudonym(RequestFactory().get("/", REMOTE_ADDR=address), window=WINDOW)


def test_the_pseudonym_is_stable_within_a_window_and_differs_per_address(local_cache, clock) -> None:
    clock[0] = (clock[0] // WINDOW) * WINDOW  # the start of a window
    first = pseudonym()
    clock[0] += WINDOW - 1  # its last second
    assert pseudonym() == first
    assert pseudonym("203.0.113.8") != first
    assert ADDRESS not in first


def test_the_key_is_random_not_derived_from_anything_on_disk(local_cache, clock) -> None:
    first = pseudonym()
    cache.clear()  # a restart of the cache: a new random key, the same configuration and disks
    assert pseudonym() != first
    # Nothing computable from the settings reproduces it (the old scheme hashed SECRET_KEY).
    for secret in (settings.SECRET_KEY, *Path(settings.BASE_DIR).glob("*.py")):
        material = secret if isinstance(secret, str) else secret.read_text()
        guess = hmac.new(hashlib.sha256(material.encode()).digest(), ADDRESS.encode(), hashlib.sha256)
        assert guess.hexdigest()[:32] != first


def test_after_the_window_the_old_key_is_gone_and_old_entries_cannot_be_recomputed(local_cache, clock) -> None:
    start = clock[0]
    old = pseudonym()
    name = f"pseudonym-key:{WINDOW}:{int(start // WINDOW)}"
    assert isinstance(cache.get(name), bytes)
    clock[0] = (start // WINDOW + 1) * WINDOW + client_pseudonyms.GRACE_SECONDS + 1
    assert cache.get(name) is None  # expired with its window: nothing holds it any more
    assert pseudonym() != old
    # Asking for the old period's key now makes a new random one, which does not map the
    # address to the old pseudonym either.
    assert client_pseudonyms.window_key(WINDOW, now=start) != b""
    request = RequestFactory().get("/", REMOTE_ADDR=ADDRESS)
    recomputed = hmac.new(client_pseudonyms.window_key(WINDOW, now=start), ADDRESS.encode(), hashlib.sha256)
    assert recomputed.hexdigest()[:32] != old
    assert client_pseudonyms.client_address(request) == ADDRESS
