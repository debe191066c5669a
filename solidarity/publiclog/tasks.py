"""Background work for the ledger: sealing the public log off the donation path.

`seal_log_task` runs the same service as `manage.py seal_log`. Enqueue it after a
transaction commits (`seal_after_commit`) so that sealing never runs inside, or holds
up, the database transaction that moved the money; many enqueued runs coalesce, since
a run that finds nothing unsealed writes nothing.
"""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from solidarity.core.task_queue import enqueue_unless_queued
from solidarity.publiclog.sealing import seal_log

# At most one queued sealing run per this many seconds, however many transactions commit.
DEBOUNCE_SECONDS = 2
_QUEUED_KEY = "ledger:seal-queued"


@task()
def seal_log_task() -> dict[str, int | str]:
    """Seal every unsealed ledger transaction and sign a checkpoint; returns a JSON summary.

    Transactions that committed while this run sealed (after its debounce window) are
    picked up by queueing one more run when some remain.
    """
    result = seal_log()
    if unsealed_remain():
        cache.delete(_QUEUED_KEY)
        queue_sealing()
    return {"sealed": result.sealed, "tree_size": result.tree_size, "root_hash": result.root_hash}


def unsealed_remain() -> bool:
    from solidarity.ledger.models import Transaction

    return Transaction.objects.filter(log_entry__isnull=True).exists()


def queue_sealing() -> None:
    """Queue a sealing run (debounced); the ledger calls this after each posting commits."""
    enqueue_unless_queued(seal_log_task, _QUEUED_KEY, DEBOUNCE_SECONDS)


def seal_after_commit() -> None:
    """Queue a sealing run once the current database transaction commits (debounced)."""
    transaction.on_commit(queue_sealing, robust=True)
