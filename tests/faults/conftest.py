"""Fault tests: the real stack (granian, nginx, db_worker) on PostgreSQL, hurt on purpose.

Each test gets its own database, copied from a template that is migrated and loaded with
the demo data once per run, and its own ports; it talks to the stack over HTTP and reads
the outcome through a short Python process configured like the app (`in_stack`). They
need PostgreSQL (DATABASE_URL, as CI sets it) and skip without it. They never time
anything: they poll with deadlines and check exact outcomes.
"""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from deploy.prodlocal import PYTHON, ROOT, Stack

FAULTS_BUILD = ROOT / "build" / "faults"
REDIS_URL = os.environ.get("SOLIDARITY_FAULTS_REDIS_URL", "redis://127.0.0.1:6379/5")


def postgres_server() -> str:
    """postgres://user@host:port of DATABASE_URL, or skip when it is not PostgreSQL."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("fault tests need PostgreSQL (set DATABASE_URL, as CI does)")
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def in_stack(stack: Stack, code: str, *, timeout: float = 300) -> Any:
    """Run `code` (which sets `result`) in a Python process configured like the stack's app."""
    program = f"import json, sys\nsys.path.insert(0, {str(ROOT)!r})\nimport django\ndjango.setup()\n"
    program += textwrap.dedent(code) + "\nprint('RESULT:' + json.dumps(result))\n"
    done = subprocess.run(
        [str(PYTHON), "-c", program], cwd=ROOT, env=stack.env(), capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise AssertionError(f"in_stack failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT:")][-1]
    return json.loads(line[len("RESULT:") :])


@pytest.fixture(scope="session")
def faults_template() -> str:
    """A migrated database with the demo data, copied for each test."""
    server = postgres_server()
    stack = Stack(
        build=FAULTS_BUILD / "template",
        database="solidarity_faults_template",
        postgres_url=server,
        redis_url=REDIS_URL,
    )
    stack.prepare(fresh=True, demo=True)
    return stack.database


def make_stack(name: str, template: str, *, base_port: int, **kwargs: Any) -> Stack:
    if "postgres_url" in kwargs:  # a private PostgreSQL: the pooler (if any) is not in front of it
        kwargs.setdefault("pooler_url", "")
    stack = Stack(
        build=FAULTS_BUILD / name,
        database=f"solidarity_faults_{name}",
        http_port=base_port,
        app_port=base_port + 1,
        postgres_url=kwargs.pop("postgres_url", None) or postgres_server(),
        redis_url=REDIS_URL,
        **kwargs,
    )
    for folder in (stack.build, stack.logs, stack.run, stack.build / "cache", stack.build / "static"):
        folder.mkdir(parents=True, exist_ok=True)
    if template:
        stack.create_database(fresh=True, template=template)
    return stack


@pytest.fixture
def stack_factory(faults_template: str) -> Iterator[Any]:
    """make(name, base_port=…, **Stack fields) → a Stack on a fresh copy of the template."""
    made: list[Stack] = []

    def make(name: str, *, base_port: int, **kwargs: Any) -> Stack:
        stack = make_stack(name, faults_template, base_port=base_port, **kwargs)
        made.append(stack)
        return stack

    yield make
    for stack in made:
        stack.stop_all()


def flush_redis_db(url: str = REDIS_URL) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()


def read_log(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def wait_for(condition: Any, timeout: float, what: str) -> None:
    """Poll `condition` until it holds, or fail after `timeout` seconds naming `what`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def pending_events(stack: Stack) -> tuple[int, int]:
    """(provider events stored but not applied, provider events stored) in the stack's database."""
    import psycopg

    with psycopg.connect(stack.database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FILTER (WHERE state IN ('received', 'waiting')), count(*) FROM payments_providerevent"
        ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)
