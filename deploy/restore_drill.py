"""The restore drill (`make restore-drill`, run by CI): prove that a backup restores.

1. a scratch PostgreSQL database gets the demo data and a sealed public log;
2. `manage.py backup` writes the encrypted backup (a throw-away age key);
3. `manage.py restore` loads it into a second, empty scratch database;
4. there, `verify_ledger` and `verify_log` (on a freshly exported folder) must pass;
5. the restored log root, every account's balance and every table's row count (as
   restored, before verify_ledger records its run) must equal the original's.

Exits 0 and prints the time of each step, or names every difference and exits 1. Both
scratch databases and their two roles (an owner and a runtime role, as in
deploy/postgresql/roles.sql) are dropped at the end. The server and role are
DATABASE_URL's (its database name is ignored; default postgres://postgres@127.0.0.1:5432);
that role must be able to create databases and roles.

    .venv/bin/python deploy/restore_drill.py [--keep]   # --keep: leave the databases
"""

from __future__ import annotations

import argparse
import base64
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import pyrage
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[1]
BALANCES = (
    "SELECT a.owner, a.purpose, a.currency, COALESCE(SUM(p.amount_minor), 0) FROM ledger_account a "
    "LEFT JOIN ledger_posting p ON p.account_id = a.id GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
)
LATEST_ROOT = "SELECT tree_size, root_hash FROM ledger_checkpoint ORDER BY tree_size DESC LIMIT 1"
TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"


class DrillFailed(Exception):
    pass


def database_url(base: str, name: str, *, role: str = "", password: str = "") -> str:
    """base with another database name (and, when given, another role and password)."""
    parts = urlsplit(base)
    netloc = parts.netloc
    if role:
        host = netloc.rpartition("@")[2]
        netloc = f"{role}:{quote(password)}@{host}"
    return urlunsplit((parts.scheme, netloc, f"/{name}", parts.query, ""))


def drill_env(runtime_url: str, owner_url: str, tmp: Path, keys: dict[str, str]) -> dict[str, str]:
    """Production settings as docs/deployment.md gives them: debug off, the runtime role in
    DATABASE_URL and the owner in DATABASE_OWNER_URL; throw-away keys; no Redis."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "SOLIDARITY_", "REDIS_"))}
    env.update(
        {
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": keys["secret"],
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": runtime_url,
            "DATABASE_OWNER_URL": owner_url,
            "SOLIDARITY_ENCRYPTION_KEYS": keys["fernet"],
            "SOLIDARITY_LOG_SIGNING_KEY": keys["log"],
            "SOLIDARITY_LOG_ORIGIN": "restore-drill.invalid/public-log",
            "SOLIDARITY_VAR_DIR": str(tmp / "var"),
            "SOLIDARITY_BACKUP_RECIPIENTS": keys["age_public"],
            "SOLIDARITY_BACKUP_IDENTITY_FILE": keys["age_identity_file"],
            "LOG_LEVEL": "ERROR",
        }
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise DrillFailed(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stderr.strip()[-3000:]}")
    return done.stdout


def snapshot(url: str) -> dict[str, object]:
    """What must survive a restore: the signed root, every balance, every table's row count."""
    with psycopg.connect(url) as conn:
        root = conn.execute(LATEST_ROOT).fetchone()
        balances = conn.execute(BALANCES).fetchall()
        tables = [row[0] for row in conn.execute(TABLES).fetchall()]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
    return {"root": root, "balances": balances, "counts": counts}


def compare(original: dict[str, object], restored: dict[str, object]) -> list[str]:
    problems = []
    if original["root"] != restored["root"]:
        problems.append(f"log root differs: {original['root']} != {restored['root']}")
    a, b = (
        dict(((o, p, c), s) for o, p, c, s in original["balances"]),
        dict(  # type: ignore[attr-defined]
            ((o, p, c), s)
            for o, p, c, s in restored["balances"]  # type: ignore[attr-defined]
        ),
    )
    for key in sorted(a.keys() | b.keys()):
        if a.get(key) != b.get(key):
            problems.append(f"balance of {key} differs: {a.get(key)} != {b.get(key)}")
    counts_a, counts_b = original["counts"], restored["counts"]
    for table in sorted(counts_a.keys() | counts_b.keys()):  # type: ignore[attr-defined]
        if counts_a.get(table) != counts_b.get(table):  # type: ignore[attr-defined]
            problems.append(f"{table}: {counts_a.get(table)} rows != {counts_b.get(table)}")  # type: ignore[attr-defined]
    return problems


def run_drill(base_url: str, *, keep: bool) -> tuple[list[str], list[tuple[str, float]]]:
    suffix = f"{os.getpid()}_{secrets.token_hex(3)}"
    source_db, target_db = f"solidarity_drill_{suffix}_a", f"solidarity_drill_{suffix}_b"
    owner, runtime = f"solidarity_drill_{suffix}_owner", f"solidarity_drill_{suffix}_app"
    password = secrets.token_urlsafe(24)
    admin_url = database_url(base_url, "postgres")  # the maintenance database: DATABASE_URL's may not exist
    timings: list[tuple[str, float]] = []

    def step(label: str, started: float) -> None:
        timings.append((label, time.monotonic() - started))
        print(f"  {label}: {timings[-1][1]:.1f} s", flush=True)

    # The two roles of deploy/postgresql/roles.sql: the owner migrates and restores, the
    # runtime role (SELECT and INSERT only on the append-only tables) runs everything else,
    # backups included.
    t = time.monotonic()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {owner} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE")
        admin.execute(f"CREATE ROLE {runtime} LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE")
        for name in (source_db, target_db):
            admin.execute(f'CREATE DATABASE "{name}" OWNER {owner}')
    step("two scratch databases and their roles created", t)
    try:
        with tempfile.TemporaryDirectory(prefix="solidarity-drill-") as folder:
            tmp = Path(folder)
            identity = pyrage.x25519.Identity.generate()
            identity_file = tmp / "identity.txt"
            identity_file.write_text(f"{identity}\n")
            keys = {
                "secret": secrets.token_urlsafe(64),
                "fernet": Fernet.generate_key().decode(),
                "log": base64.b64encode(secrets.token_bytes(32)).decode(),
                "age_public": str(identity.to_public()),
                "age_identity_file": str(identity_file),
            }
            source_url, target_url = database_url(base_url, source_db), database_url(base_url, target_db)
            source, target = (
                drill_env(
                    database_url(base_url, db, role=runtime, password=password),
                    database_url(base_url, db, role=owner, password=password),
                    tmp,
                    keys,
                )
                for db in (source_db, target_db)
            )

            t = time.monotonic()
            manage(source, "migrate", "--noinput", "-v0")
            manage(source, "load_demo")
            manage(source, "seal_log")
            step("scratch database with demo data, log sealed", t)

            t = time.monotonic()
            out = manage(source, "backup", "--output-dir", str(tmp / "backups"))
            (archive,) = (tmp / "backups").glob("solidarity-*.tar.age")
            step(f"backup ({archive.stat().st_size // 1024} KiB, encrypted)", t)

            t = time.monotonic()
            manage(target, "restore", str(archive))
            step("restore into an empty database", t)
            # Compared as restored: verify_ledger then records its run in the restored copy.
            original, restored = snapshot(source_url), snapshot(target_url)

            t = time.monotonic()
            manage(target, "verify_ledger")
            manage(target, "export_log", str(tmp / "exported"))
            verified = manage(target, "verify_log", str(tmp / "exported"))
            step("verify_ledger and verify_log on the restored database", t)

            problems = compare(original, restored)
            root = original["root"]
            if root is None:
                problems.append("the demo data sealed no checkpoint: nothing to compare")
            elif f"root {root[1]}" not in verified or f"root {root[1]}" not in out:  # type: ignore[index]
                problems.append(f"verify_log or backup reported another root than {root[1]}")  # type: ignore[index]
            print(
                f"  compared: log root at tree size {root[0] if root else '-'}, "  # type: ignore[index]
                f"{len(original['balances'])} balances, {len(original['counts'])} tables"  # type: ignore[arg-type]
            )
    finally:
        t = time.monotonic()
        if not keep:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                for name in (source_db, target_db):
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                for role in (runtime, owner):
                    admin.execute(f"DROP ROLE IF EXISTS {role}")
            step("scratch databases and roles dropped", t)
    return problems, timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="leave the scratch databases for inspection")
    args = parser.parse_args(argv)
    base_url = os.environ.get("DATABASE_URL", "")
    if not re.match(r"^postgres(ql)?://", base_url):
        base_url = "postgres://postgres@127.0.0.1:5432/postgres"
    print(f"restore drill against {urlsplit(base_url).hostname}:{urlsplit(base_url).port or 5432}")
    started = time.monotonic()
    try:
        problems, _ = run_drill(base_url, keep=args.keep)
    except (DrillFailed, psycopg.Error) as exc:
        print(f"restore drill FAILED: {exc}", file=sys.stderr)
        return 1
    total = time.monotonic() - started
    if problems:
        for problem in problems:
            print(f"  DIFFERENCE: {problem}", file=sys.stderr)
        print(f"restore drill FAILED: {len(problems)} difference(s) after {total:.1f} s", file=sys.stderr)
        return 1
    print(f"restore drill OK: the restored database verifies and matches, in {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
