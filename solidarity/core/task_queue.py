"""Queueing a background task at most once while a run is already waiting for a worker."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache


def enqueue_unless_queued(task: Any, key: str, seconds: int) -> bool:
    """Enqueue `task` unless the cache key `key` says a run is already queued; True if queued.

    The key lives `seconds` (or until the run deletes it as it starts). When enqueueing
    fails, the key is dropped again, so that the next caller tries.
    """
    if not cache.add(key, 1, seconds):
        return False
    try:
        task.enqueue()
    except Exception:
        cache.delete(key)
        raise
    return True
