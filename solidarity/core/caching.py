"""Reader pages: cacheable by shared caches for a few seconds, and rendered once per few
seconds for all app servers.

Reader pages (home, lists, campaign, transparency, about, privacy) are the same for every
anonymous reader, so

1. the response says `Cache-Control: public, max-age=N` and a shared cache in front of the
   app (nginx's microcache, deploy/nginx/solidarity.conf) may keep it;
2. where SOLIDARITY_READER_RENDER_CACHE is on (by default when DJANGO_DEBUG=0), the
   rendered page is also kept in the Django cache (Redis in production, shared by every
   app server) so that a page is rendered about once per N seconds in all, not once per
   proxy, per app server and per request. A page served from there carries only the
   *remaining* lifetime (`max-age` minus its age), so the two layers together never serve
   a page built from data older than N seconds.

That short lifetime is the invalidation of last resort: a donation or an edit shows
everywhere within `max_age` seconds (docs/deployment.md, "Caching"). A change a person
expects to see at once (a named gift recorded by staff, an entry hidden) also calls
`forget_reader_pages(paths)`: it bumps a generation number per path in the shared cache,
so every app server renders those pages afresh on their next request (the per-process copy
of this process is dropped too; another process's copy lives at most `max_age` seconds).

What keeps it correct:
- only anonymous requests are cached or marked `public`: a request with a session cookie
  (staff) gets `private, no-cache` and a fresh render, because staff may see more;
- a response that sets a cookie, is not a 200, is streamed, or already chose its own
  Cache-Control (donor-specific pages send `no-store`) is never stored nor marked public;
- the language lives in the URL, so nothing varies on Accept-Language; Django's own
  `Vary: Cookie` (the session is consulted to tell staff from readers) stays, and the
  proxy skips its cache for requests with a session cookie;
- the age counts from when the render *started*, so a render racing a donation cannot
  stretch the bound.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import NoReverseMatch, reverse
from django.utils import translation

logger = logging.getLogger(__name__)

# Seconds a reader page may be served without rendering it again. Small on purpose: it
# bounds how stale a campaign's total can be after a donation.
DEFAULT_MAX_AGE = 5
# How long a path's generation number is kept: far longer than any page it guards.
GENERATION_LIFETIME = 86_400
# Headers a view sets that must come back with a stored page (middleware adds the rest).
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")
# (render started at, body, headers, the path's generation when the render started)
Stored = tuple[float, bytes, list[tuple[str, str]], int]


def reader_max_age() -> int:
    """The configured lifetime of reader pages (SOLIDARITY_READER_MAX_AGE, seconds)."""
    return int(getattr(settings, "SOLIDARITY_READER_MAX_AGE", DEFAULT_MAX_AGE))


def _is_anonymous(request: HttpRequest) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _cache_key(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.get_host()}|{request.get_full_path()}".encode()).hexdigest()
    return f"reader-page:{digest}"


def _generation_key(path: str) -> str:
    return "reader-generation:" + hashlib.sha256(path.encode()).hexdigest()


def forget_reader_pages(paths: list[str]) -> None:
    """Reader pages at these paths (any query string) are rendered afresh on their next request."""
    _local.clear()
    try:
        for path in paths:
            key = _generation_key(path)
            cache.add(key, 0, timeout=GENERATION_LIFETIME)
            cache.incr(key)
    except Exception:  # the cache is an optimisation: the pages still age out within max_age
        logger.warning("reader page cache unavailable", exc_info=True)


def paths_in_every_language(url_name: str, args: tuple[Any, ...] = ()) -> list[str]:
    """The path of a reader page in each of the site's languages (what to forget when it
    changes); none where the name is not installed (a deployment without reader pages)."""
    paths = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            try:
                paths.append(reverse(url_name, args=args))
            except NoReverseMatch:
                continue
    return paths


def apply_reader_cache_headers(request: HttpRequest, response: HttpResponseBase, max_age: int) -> None:
    """Mark `response` cacheable by shared caches for `max_age` seconds when that is safe."""
    if response.has_header("Cache-Control") or response.cookies:
        return
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return
    if not _is_anonymous(request):
        response["Cache-Control"] = "private, no-cache"
        return
    response["Cache-Control"] = f"public, max-age={max(0, max_age)}"


def _storable(response: HttpResponseBase) -> bool:
    return (
        isinstance(response, HttpResponse)
        and not response.streaming
        and response.status_code == 200
        and not response.cookies
        and not response.has_header("Cache-Control")
    )


class _LocalPages:
    """A small per-process copy in front of the shared cache, so that a hot page costs
    no round trip to Redis at all; entries live no longer than the shared ones."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.entries: OrderedDict[str, Stored] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> Stored | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key: str, stored: Stored) -> None:
        with self.lock:
            self.entries[key] = stored
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_local = _LocalPages()


def _fresh(stored: Stored | None, max_age: int) -> int:
    """Whole seconds of lifetime left (0 when absent or expired)."""
    if not stored:
        return 0
    return max(0, math.floor(stored[0] + max_age - time.time()))


def _from_cache(request: HttpRequest, max_age: int) -> tuple[HttpResponse | None, int]:
    """The stored page if fresh (else None), and the path's current generation."""
    key = _cache_key(request)
    stored = _local.get(key)
    remaining = _fresh(stored, max_age)
    generation = stored[3] if stored else 0
    if remaining <= 0:
        generation_key = _generation_key(request.path)
        try:
            found = cache.get_many([key, generation_key])  # one round trip for both
        except Exception:  # the cache is an optimisation: when Redis is down, render
            logger.warning("reader page cache unavailable", exc_info=True)
            return None, 0
        generation = int(found.get(generation_key) or 0)
        stored = found.get(key)
        remaining = _fresh(stored, max_age)
        if remaining <= 0 or stored is None or len(stored) != 4 or stored[3] != generation:
            return None, generation
        _local.put(key, stored)
    assert stored is not None
    _started, content, headers, _generation = stored
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response["Cache-Control"] = f"public, max-age={remaining}"
    return response, generation


def _store(request: HttpRequest, response: HttpResponse, started: float, max_age: int, generation: int) -> None:
    headers = [(name, response[name]) for name in _KEPT_HEADERS if response.has_header(name)]
    stored: Stored = (started, response.content, headers, generation)
    key = _cache_key(request)
    _local.put(key, stored)
    try:
        cache.set(key, stored, timeout=max_age)
    except Exception:
        logger.warning("reader page cache unavailable", exc_info=True)


def reader_page(view: Callable[..., Any] | None = None, *, max_age: int | None = None) -> Any:
    """Decorate a reader view: shared-cache headers plus a shared rendered copy (see above).

    Usable bare (`@reader_page`) or with a lifetime (`@reader_page(max_age=30)`).
    """

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            lifetime = reader_max_age() if max_age is None else max_age
            cacheable = (
                lifetime > 0
                and getattr(settings, "SOLIDARITY_READER_RENDER_CACHE", False)
                and request.method in ("GET", "HEAD")
                and _is_anonymous(request)
            )
            generation = 0
            if cacheable:
                cached, generation = _from_cache(request, lifetime)
                if cached is not None:
                    return cached
            started = time.time()
            response = func(request, *args, **kwargs)
            if cacheable and _storable(response):
                _store(request, response, started, lifetime, generation)
            apply_reader_cache_headers(request, response, lifetime)
            return response

        return wrapper

    if view is not None:
        return decorate(view)
    return decorate
