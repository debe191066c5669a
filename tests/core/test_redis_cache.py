"""The Redis cache (django-redis, a supported backend) keeps one client and behaves as Django's does."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django_redis.cache import RedisCache

ROOT = Path(__file__).resolve().parents[2]

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


def test_settings_use_django_redis_when_redis_url_is_set() -> None:
    env = {**os.environ, "REDIS_URL": "redis://127.0.0.1:6379/9", "DJANGO_SETTINGS_MODULE": "solidarity.settings"}
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "django_redis.cache.RedisCache"


def test_operations_behave_as_djangos(redis_cache: RedisCache) -> None:
    assert redis_cache.add("k", 1, 30) is True
    assert redis_cache.add("k", 2, 30) is False  # already there: add changes nothing
    assert redis_cache.get("k") == 1
    assert redis_cache.incr("k") == 2
    with pytest.raises(ValueError):
        redis_cache.incr("absent")  # as Django's: no counter springs into being
    redis_cache.set("m", {"a": [1, 2]}, 30)
    assert redis_cache.get_many(["k", "m", "absent"]) == {"k": 2, "m": {"a": [1, 2]}}
    redis_cache.delete_many(["k", "m"])
    assert redis_cache.get("k") is None


def test_one_client_is_kept(redis_cache: RedisCache) -> None:
    first = redis_cache.client.get_client(write=True)
    assert redis_cache.client.get_client(write=True) is first
    assert redis_cache.client.get_client(write=False) is first  # one server: reads and writes share it

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


def test_redis_errors_are_raised_not_swallowed() -> None:
    import redis

    dead = RedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5}})
    # /readyz reports a cache that does not answer: the error must reach it
    with pytest.raises(redis.ConnectionError):
        dead.set("k", 1, 30)
