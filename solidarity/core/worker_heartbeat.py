"""The task worker's heartbeat: proof that a `db_worker` takes tasks from the queue and runs them.

`manage.py worker_heartbeat` (every minute, solidarity-cron-worker_heartbeat.timer) only
enqueues `worker_heartbeat_task`; a worker that runs it writes the time into the cache,
shared by every app server. `/readyz` fails when that time is older than
SOLIDARITY_WORKER_HEARTBEAT_MAX_AGE, so a stopped, stuck or swamped worker shows there.
Nothing the worker does is recorded but the time.
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

_HEARTBEAT_KEY = "worker:heartbeat"
# Kept long enough that an old heartbeat is reported as old, not as missing.
_HEARTBEAT_TTL = 7 * 24 * 3600


@task()
def worker_heartbeat_task() -> str:
    """Record that a worker ran a task now; returns the time written (ISO 8601)."""
    now = timezone.now()
    cache.set(_HEARTBEAT_KEY, now.timestamp(), _HEARTBEAT_TTL)
    return now.isoformat()


def last_worker_heartbeat() -> dt.datetime | None:
    """When a worker last ran the heartbeat task, or None if none has (or the cache lost it)."""
    stamp = cache.get(_HEARTBEAT_KEY)
    if stamp is None:
        return None
    return dt.datetime.fromtimestamp(float(stamp), tz=dt.UTC)


def queued_task_count() -> int:
    """Tasks waiting for a worker and due now (the queue's depth)."""
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready().count()
