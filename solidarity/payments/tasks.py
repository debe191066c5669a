"""Background work for payments: applying stored provider events (run by `manage.py db_worker`).

With `SOLIDARITY_WEBHOOK_APPLY=worker` the webhook only verifies and stores an event and
calls `apply_after_commit`; `apply_events_task` applies every received event in arrival
order. A storm of deliveries must not queue a run each, nor cost each a round trip to
Redis, and no stored event may be left without a run that will see it:

- a process asks Redis at most once per LOCAL_SECONDS whether a run is queued
  (`cache.add` of a key that lives QUEUED_SECONDS); whoever adds the key queues a run;
- a run deletes the key as it starts, then applies what is received and keeps looking
  until nothing new has arrived for LINGER_SECONDS;
- a run that has worked for MAX_RUN_SECONDS queues its successor (unless a delivery has
  queued one since the run started) and returns, so that a long storm does not keep the worker from its other tasks (sealing
  the public log): they were queued meanwhile and run before the successor.

An event stored at time T by a process that last asked Redis at T0 > T - LOCAL_SECONDS:
at T0 either that process queued a run, or the key was present, so a queued run had not
started yet (a run deletes the key as it starts; the key outlives any wait in the queue
but a dead worker's). Either way a run starts after T0; it looks until at least
T0 + LINGER_SECONDS > T, or hands over to a successor that starts later still, so the
event is seen. (A worker killed mid-run, or Redis or the task queue failing, breaks this;
the apply_waiting_events timer is the safety net.)
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from solidarity.core.task_queue import enqueue_unless_queued
from solidarity.payments.events import apply_received
from solidarity.payments.models import ProviderEvent
from solidarity.payments.stripe_handlers import handle_stripe_event, prepare_stripe_event

logger = logging.getLogger(__name__)

LOCAL_SECONDS = 0.5
QUEUED_SECONDS = 60
LINGER_SECONDS = 2.0
MAX_RUN_SECONDS = 30.0
POLL_SECONDS = 0.1
BATCH = 200
_QUEUED_KEY = "payments:apply-queued"
_last_asked = 0.0
_asking = threading.Lock()


@task()
def apply_events_task() -> dict[str, int]:
    """Apply received Stripe events until none has arrived for LINGER_SECONDS."""
    cache.delete(_QUEUED_KEY)  # from here on, a delivery queues another run
    tried = 0
    deferred: set[int] = set()  # tried by this run and left received: not again in this run
    started = quiet_since = time.monotonic()
    while True:
        ids, left_received = apply_received(
            "stripe", handle_stripe_event, prepare_stripe_event, limit=BATCH, skip=frozenset(deferred)
        )
        deferred |= left_received
        if ids:
            tried += len(ids)
            quiet_since = time.monotonic()
            if quiet_since - started >= MAX_RUN_SECONDS:
                _hand_over()
                break
        elif time.monotonic() - quiet_since >= LINGER_SECONDS:
            break
        else:
            time.sleep(POLL_SECONDS)
    # Events deferred by this run (Stripe unreachable) are retried by the next run or the sweep.
    left = ProviderEvent.objects.filter(provider="stripe", state=ProviderEvent.State.RECEIVED).count()
    return {"tried": tried, "left": left}


def _hand_over() -> None:
    """Queue the run that goes on where this one stops, behind the tasks already queued
    (unless a delivery has queued one since this run started)."""
    enqueue_unless_queued(apply_events_task, _QUEUED_KEY, QUEUED_SECONDS)


def _enqueue_once() -> None:
    global _last_asked
    with _asking:
        now = time.monotonic()
        if now - _last_asked < LOCAL_SECONDS:
            return
        _last_asked = now
    try:
        enqueue_unless_queued(apply_events_task, _QUEUED_KEY, QUEUED_SECONDS)
    except Exception:
        # The event is stored; the apply_waiting_events sweep will apply it.
        logger.warning("could not queue the application of provider events", exc_info=True)


def apply_after_commit() -> None:
    """Make sure a run of apply_events_task will see what the current transaction stores."""
    transaction.on_commit(_enqueue_once, robust=True)
