"""Webhook storms while things break: every event is applied exactly once.

The sender behaves like Stripe: whatever was not answered 2xx (a reset connection, a
refused one, a 5xx) is delivered again later. Whatever breaks in between, the ledger must
end exactly where the events say and pass `verify_ledger`. Each runs in both webhook
modes: `request` (the event is stored, then applied, before the answer) and `worker`
(production: stored and answered; the task worker applies it, and is killed too). A
stored event is applied under its row's lock in one transaction, so a crash between or
during the steps leaves it stored and pending, and whoever comes next — a repeat
delivery, the worker, the sweep that a timer runs — applies it once.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.common import descendants
from bench.storm import plan_storm, send_all
from tests.faults.conftest import in_stack, make_stack, pending_events, postgres_server, wait_for

PG_BIN = (
    Path("/usr/lib/postgresql")
    / (sorted(os.listdir("/usr/lib/postgresql"))[-1] if Path("/usr/lib/postgresql").exists() else "15")
    / "bin"
)

CREATE = """
from bench.storm import create_pending_donations
ids, before = create_pending_donations({count})
result = {{"ids": ids, "before": before}}
"""
CHECK = """
from bench.storm import check_outcome
result = check_outcome({expected!r}, {before!r})
"""


def _storm_in_background(plan, port: int) -> tuple[threading.Thread, dict[str, object], list[int]]:
    progress = [0]
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["report"] = send_all(
                plan.deliveries, port=port, clients=8, deadline_s=240, on_progress=lambda n: progress.__setitem__(0, n)
            )
        except BaseException as exc:
            outcome["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome, progress


def _applied(stack) -> int:
    pending, stored = pending_events(stack)
    return stored - pending


def _finish_like_production(stack) -> None:
    """What production's supervisor and timers do after a crash: systemd restarts a dead
    worker, and the apply_waiting_events timer sweeps what no run was left queued for."""
    if stack.pid("worker") is None:
        stack.start_worker()
    stack.manage("apply_waiting_events", quiet=True)
    wait_for(lambda: pending_events(stack)[0] == 0, 240, "every stored event to be applied")


@pytest.mark.parametrize("mode", ["request", "worker"])
def test_killing_an_app_process_mid_storm_loses_and_doubles_nothing(stack_factory, mode: str) -> None:
    stack = stack_factory(f"appkill_{mode}", base_port=8291, webhook_apply=mode)
    created = in_stack(stack, CREATE.format(count=240))
    plan = plan_storm(created["ids"], total=400, seed=11, run="k")
    master = stack.start_app(workers=2)
    if mode == "worker":
        stack.start_worker()
    thread, outcome, progress = _storm_in_background(plan, stack.app_port)

    wait_for(lambda: progress[0] >= 100, 120, "a quarter of the storm")
    victim = descendants(master)[0]
    os.kill(victim, signal.SIGKILL)
    if mode == "worker":
        # And the task worker, in the middle of applying what the storm stored.
        wait_for(lambda: _applied(stack) > 0, 120, "the worker to apply some events")
        worker = stack.pid("worker")
        assert worker is not None
        os.killpg(worker, signal.SIGKILL)
        wait_for(lambda: stack.pid("worker") is None, 10, "the task worker to die")
    thread.join(260)

    assert "error" not in outcome, outcome.get("error")
    report = outcome["report"]
    assert report.delivered == len(plan.deliveries)  # type: ignore[attr-defined]
    assert stack.pid("app") == master, "the app server itself kept running"
    assert victim not in descendants(master), "the killed worker was replaced"
    if mode == "worker":
        _finish_like_production(stack)
    assert in_stack(stack, CHECK.format(expected=plan.expected(), before=created["before"])) == []


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on its own port, so that restarting it hurts no one
    else using the machine's server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="solidarity-faults-pg-"))
        self.data = self.dir / "data"

    def _as_postgres(self, *command: str) -> None:
        run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*run_as, *command], check=True, capture_output=True, timeout=120)

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self._pg_ctl("start")
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _pg_ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=on"
        log = str(self.dir / "server.log")  # the server must not inherit our pipes
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", log, "-o", options, "-w", *extra, action)

    def crash_and_restart(self) -> None:
        """Immediate shutdown (like a power cut: no checkpoint, recovery from WAL), then start."""
        self._pg_ctl("stop", "-m", "immediate")
        self._pg_ctl("start")

    def stop(self) -> None:
        try:
            self._pg_ctl("stop", "-m", "fast")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    postgres_server()  # skips without PostgreSQL
    if not (PG_BIN / "initdb").exists() or (os.geteuid() == 0 and shutil.which("runuser") is None):
        pytest.skip("needs PostgreSQL's server binaries (initdb, pg_ctl)")
    cluster = PrivatePostgres(port=55439)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.mark.parametrize("mode", ["request", "worker"])
def test_postgres_crash_and_restart_mid_storm_leaves_no_partial_transaction(private_postgres, mode: str) -> None:
    stack = make_stack(
        f"pgrestart_{mode}",
        "",
        base_port=8293,
        postgres_url=f"postgres://postgres@127.0.0.1:{private_postgres.port}",
        webhook_apply=mode,
    )
    try:
        stack.prepare(fresh=True, demo=True)
        created = in_stack(stack, CREATE.format(count=240))
        plan = plan_storm(created["ids"], total=400, seed=12, run="r")
        master = stack.start_app(workers=2)
        if mode == "worker":
            stack.start_worker()
        thread, outcome, progress = _storm_in_background(plan, stack.app_port)

        wait_for(lambda: progress[0] >= 100, 120, "a quarter of the storm")
        private_postgres.crash_and_restart()
        thread.join(260)

        assert "error" not in outcome, outcome.get("error")
        assert outcome["report"].delivered == len(plan.deliveries)  # type: ignore[attr-defined]
        assert stack.pid("app") == master, "the app recovered without being restarted"
        if mode == "worker":
            _finish_like_production(stack)
        assert in_stack(stack, CHECK.format(expected=plan.expected(), before=created["before"])) == []
    finally:
        stack.stop_all()
