"""Django's Redis cache, keeping its Redis client instead of building one per call.

Django's RedisCacheClient keeps a connection pool but builds a new `redis.Redis` client
around it for every cache operation; building one fills its table of response callbacks,
about a quarter of a millisecond of CPU here. The webhook and the task worker touch the
cache on every event (rate-limit buckets, debounce keys), so the client is kept: one per
pool, as redis-py clients are safe to share between threads and reconnect after a fork.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)  # type: ignore[attr-defined]  # Django's own, untyped
        client = self._kept.get(index)
        if client is None:
            client = self._kept.setdefault(index, super().get_client(key, write=write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
