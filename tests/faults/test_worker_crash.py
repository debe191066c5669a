"""The task worker dies (SIGKILL) while sealing the public log: the next run finishes it.

Sealing appends entries in batches, each in its own transaction, and works from what the
log already holds, not from the task's record, so a run cut short leaves a valid prefix
and the next run (the timer's, or a new task) carries on from it.
"""

from __future__ import annotations

import os
import signal
import time

import psycopg

from solidarity.ledger.models import Transaction
from solidarity.publiclog.models import Checkpoint, LogEntry
from tests.faults.conftest import in_stack

ENQUEUE = """
from solidarity.publiclog.tasks import seal_log_task
result = str(seal_log_task.enqueue().id)
"""


def _count(conn: psycopg.Connection, table: str) -> int:
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - model table names
    return int(row[0]) if row else 0


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_next_run_finishes_sealing_after_the_worker_is_killed(stack_factory) -> None:
    stack = stack_factory("sealcrash", base_port=8299)
    stack.manage(
        "generate_load_data",
        "--campaigns",
        "20",
        "--postings",
        "60000",
        "--force",
        "--yes",
        quiet=True,
        role="superuser",
    )
    entries, transactions, checkpoints = LogEntry._meta.db_table, Transaction._meta.db_table, Checkpoint._meta.db_table
    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        total = _count(conn, transactions)
        assert _count(conn, entries) == 0

        worker = stack.start_worker()
        in_stack(stack, ENQUEUE)
        _wait(lambda: _count(conn, entries) > 0, 120, "sealing to start")
        os.killpg(worker, signal.SIGKILL)
        _wait(lambda: stack.pid("worker") is None, 10, "the worker to die")
        cut_short = _count(conn, entries)
        assert 0 < cut_short < total, (cut_short, total)

        stack.start_worker()
        in_stack(stack, ENQUEUE)
        _wait(lambda: _count(conn, entries) == total, 240, "the next run to seal everything")
        _wait(
            lambda: conn.execute(f"SELECT max(tree_size) FROM {checkpoints}").fetchone()[0] == total,  # noqa: S608
            60,
            "a checkpoint over the whole log",
        )
    bundle = stack.build / "log-export"
    stack.manage("export_log", str(bundle), quiet=True)
    verified = stack.manage("verify_log", str(bundle), check=False, quiet=True)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert stack.manage("verify_ledger", check=False, quiet=True).returncode == 0
