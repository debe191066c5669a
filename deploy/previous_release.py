"""The previous release's database, kept as a fixture, migrated forward by the new code.

There are no release tags yet, so the previous release is a committed SQL dump of a demo
database that its code migrated and filled: tests/fixtures/previous_release/database.sql,
with the migrations it had applied in migrations.txt (which `manage.py lint_migrations`
also reads: those are deployed and not linted again).

    python deploy/previous_release.py check   # restore it into a scratch database, run the new
                                              # code's `migrate`, then `verify_ledger`, `seal_log`
                                              # and `verify_ledger` again; exit 1 on any failure
    python deploy/previous_release.py dump    # at each release, from the released commit:
                                              # refresh the fixture (docs/upgrades.md)

POSTGRES_URL names the server and a role that may create databases (default
postgres://postgres@127.0.0.1:5432). Scratch databases are dropped afterwards. Keys are the
development ones derived from the development secret key: the data is the demo's.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "previous_release"
DUMP = FIXTURE / "database.sql"
MIGRATIONS = FIXTURE / "migrations.txt"
# Settings that would point manage.py at another database, cache or key than the fixture's.
CLEARED = ("DATABASE_OWNER_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "SOLIDARITY_ENCRYPTION_KEYS",
           "SOLIDARITY_LOG_SIGNING_KEY", "SOLIDARITY_LOG_ORIGIN", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE")  # fmt: skip


def server_url() -> str:
    return os.environ.get("POSTGRES_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def psql(database: str, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", f"{server_url()}/{database}", *args],
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


@contextmanager
def scratch_database(purpose: str) -> Iterator[str]:
    name = f"solidarity_{purpose}_{uuid.uuid4().hex[:8]}"
    psql("postgres", "-c", f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        psql("postgres", "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(database: str, *args: str) -> None:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env["DATABASE_URL"] = f"{server_url()}/{database}"
    print(f"$ manage.py {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=env, check=True)


def dump() -> None:
    """Build the fixture from this checkout: migrate a scratch database, load the demo, seal."""
    with scratch_database("release_fixture") as database:
        manage(database, "migrate", "--noinput")
        manage(database, "load_demo")
        manage(database, "seal_log")
        manage(database, "verify_ledger")
        text = subprocess.run(
            ["pg_dump", "--no-owner", "--no-privileges", f"{server_url()}/{database}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        # psql before 15.14 does not know the \restrict lines newer pg_dumps write; the dump
        # is ours, so they are left out and any psql restores it.
        text = re.sub(r"^\\(un)?restrict .*\n", "", text, flags=re.MULTILINE)
        applied = psql(
            database, "-At", "-c", "SELECT app || ' ' || name FROM django_migrations ORDER BY id", capture=True
        )
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    FIXTURE.mkdir(parents=True, exist_ok=True)
    DUMP.write_text(text, encoding="utf-8")
    MIGRATIONS.write_text(
        f"# The migrations the previous release applied (commit {commit or 'unknown'}),\n"
        "# written by `python deploy/previous_release.py dump`: deployed, so `manage.py lint_migrations`\n"
        "# does not lint them again.\n" + applied,
        encoding="utf-8",
    )
    print(f"wrote {DUMP.relative_to(ROOT)} ({len(text) // 1024} kB) and {MIGRATIONS.relative_to(ROOT)}")


def check() -> None:
    """Restore the previous release's database and bring it forward with this checkout's code."""
    if not DUMP.is_file():
        raise SystemExit(f"{DUMP} is missing: run `python deploy/previous_release.py dump` on the released commit")
    with scratch_database("previous_release") as database:
        psql(database, "-f", str(DUMP))
        manage(database, "migrate", "--noinput")
        manage(database, "verify_ledger")
        manage(database, "seal_log")  # the new code goes on sealing the old log
        manage(database, "verify_ledger")
    print("The previous release's database migrates forward and verifies.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["check", "dump"])
    args = parser.parse_args(argv)
    try:
        dump() if args.action == "dump" else check()
    except subprocess.CalledProcessError as exc:
        print(f"FAILED: {' '.join(map(str, exc.cmd))} exited with {exc.returncode}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
