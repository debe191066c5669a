"""The Redis cache backend keeps one client per pool and behaves as Django's does."""

from __future__ import annotations

import os
import threading
import uuid
from urllib.parse import urlsplit

import pytest

from solidarity.core.redis_cache import RedisCache

# A database of its own on the configured server: other suites running at the same time
# clear database 0.
URL = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")._replace(path="/9").geturl()


@pytest.fixture
def redis_cache() -> RedisCache:
    import redis

    try:
        redis.Redis.from_url(URL, socket_connect_timeout=1).ping()
    except redis.ConnectionError:
        if os.environ.get("REDIS_URL"):
            raise
        pytest.skip("no Redis at 127.0.0.1:6379 (set REDIS_URL to require it)")
    return RedisCache(URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})


def test_operations_behave_as_djangos(redis_cache: RedisCache) -> None:
    assert redis_cache.add("k", 1, 30) is True
    assert redis_cache.add("k", 2, 30) is False  # already there: add changes nothing
    assert redis_cache.get("k") == 1
    assert redis_cache.incr("k") == 2
    redis_cache.set("m", {"a": [1, 2]}, 30)
    assert redis_cache.get_many(["k", "m", "absent"]) == {"k": 2, "m": {"a": [1, 2]}}
    redis_cache.delete_many(["k", "m"])
    assert redis_cache.get("k") is None


def test_one_client_is_kept_per_pool(redis_cache: RedisCache) -> None:
    backend = redis_cache._cache
    first = backend.get_client(write=True)
    assert backend.get_client(write=True) is first
    assert backend.get_client(write=False) is first  # one server: reads and writes share its pool

    # Shared between threads: each call takes a connection from the pool.
    errors: list[BaseException] = []

    def hammer(n: int) -> None:
        try:
            for i in range(50):
                redis_cache.set(f"t{n}-{i}", i, 30)
                assert redis_cache.get(f"t{n}-{i}") == i
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    redis_cache.delete_many([f"t{n}-{i}" for n in range(8) for i in range(50)])
