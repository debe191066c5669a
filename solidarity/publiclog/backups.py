"""Encrypted logical backups: the whole database (pg_dump) and the exported public log, in
one age-encrypted file; and their restore into an empty database.

A backup file `solidarity-<UTC time>.tar.age` holds `manifest.json` (when, the log's tree
size and root hash, the newest migration of each app), `database.dump` (pg_dump's custom
format) and `publiclog/` (the bundle `export_log` writes). It is encrypted for every age
public key in SOLIDARITY_BACKUP_RECIPIENTS before it is written where it may be copied
off-site; the plain parts live only in a private temporary folder while it is built.

It lives beside the public log because the log is what makes a restore checkable: a
restore verifies the bundle (signatures, every entry, every checkpoint) and then checks
that the restored database holds the same signed root. The field encryption keys are not
in a backup (docs/operations.md: keys are kept separately).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess  # nosec B404
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyrage
from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from solidarity.core.age_keys import AgeKeyError, parse_recipients, read_identities
from solidarity.core.db_roles import grant_runtime_role, owner_connection
from solidarity.core.errors import DomainError
from solidarity.core.safe_tar import UnsafeArchive, extract_all
from solidarity.publiclog.export import export_bundle
from solidarity.publiclog.models import Checkpoint
from solidarity.publiclog.verify_bundle import verify_bundle

BACKUP_FORMAT = "solidarity-backup/1"


class BackupError(DomainError):
    code = "backup_failed"


@dataclass(frozen=True)
class BackupResult:
    path: Path
    tree_size: int
    root_hash: str
    size_bytes: int


@dataclass(frozen=True)
class RestoreResult:
    created_at: str
    tree_size: int
    root_hash: str
    runtime_role: str


def libpq_environment() -> dict[str, str]:
    """The libpq variables (PGHOST, PGUSER, …) for the default connection, for pg_dump/pg_restore."""
    if connection.vendor != "postgresql":
        raise BackupError("Backups and restores need PostgreSQL (DATABASE_URL); SQLite is for development.")
    s = connection.settings_dict
    options = s.get("OPTIONS") or {}
    pairs = {
        "PGDATABASE": s.get("NAME"),
        "PGUSER": s.get("USER"),
        "PGPASSWORD": s.get("PASSWORD"),
        "PGHOST": s.get("HOST"),
        "PGPORT": s.get("PORT"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run(command: list[str], *, env: dict[str, str]) -> None:
    program = shutil.which(command[0])
    if program is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    done = subprocess.run([program, *command[1:]], env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder.Migration.objects.order_by("app", "name").values_list("app", "name"):
        latest[app] = name
    return latest


def create_backup(*, output_dir: Path, recipients: list[str]) -> BackupResult:
    """Dump the database and export the public log into one age-encrypted file in output_dir."""
    try:
        keys = parse_recipients(recipients)
    except AgeKeyError as exc:
        raise BackupError(f"{exc}.") from exc
    env = libpq_environment()
    output_dir.mkdir(parents=True, exist_ok=True)
    created = dt.datetime.now(dt.UTC)
    target = output_dir / f"solidarity-{created.strftime('%Y%m%dT%H%M%SZ')}.tar.age"
    with tempfile.TemporaryDirectory(prefix="solidarity-backup-") as tmp:
        work = Path(tmp)
        # The log first: the dump then holds at least every entry the bundle vouches for.
        exported = export_bundle(work / "publiclog")
        latest = Checkpoint.objects.order_by("-tree_size").first()
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={work / 'database.dump'}"], env=env
        )
        manifest = {
            "format": BACKUP_FORMAT,
            "created_at": created.isoformat(),
            "tree_size": exported.tree_size,
            "root_hash": latest.root_hash if latest else "",
            "migrations": _latest_migrations(),
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        plain = work / "backup.tar"
        with tarfile.open(plain, "w") as tar:
            for name in ("manifest.json", "database.dump", "publiclog"):
                tar.add(work / name, arcname=name)
        partial = target.with_name(f".{target.name}.partial")
        try:
            pyrage.encrypt_file(str(plain), str(partial), keys)
            partial.chmod(0o600)  # encrypted, and still nobody else's business
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
    return BackupResult(
        path=target,
        tree_size=exported.tree_size,
        root_hash=str(manifest["root_hash"]),
        size_bytes=target.stat().st_size,
    )


def prune_backups(*, folder: Path, keep: int) -> list[Path]:
    """Retention: remove all but the newest `keep` backup files in folder; returns the removed."""
    if keep < 1:
        raise BackupError("Keep at least one backup.")
    found = sorted(folder.glob("solidarity-*.tar.age"))
    removed = found[:-keep]
    for path in removed:
        path.unlink()
    return removed


@contextmanager
def _as_owner() -> Iterator[str | None]:
    """Connect as the owner role when DATABASE_OWNER_URL is set; yields the runtime role."""
    owner_url = getattr(settings, "DATABASE_OWNER_URL", "")
    if not owner_url:
        yield None
        return
    with owner_connection(owner_url) as runtime_user:
        yield runtime_user


def restore_backup(*, archive: Path, identity_file: Path) -> RestoreResult:
    """Decrypt a backup, verify its public log, and load its database into the (empty)
    database of DATABASE_URL (as DATABASE_OWNER_URL's role when set, then granting the
    runtime role). Refuses a database that already has tables; changes nothing on error."""
    try:
        identities = read_identities(identity_file)
    except AgeKeyError as exc:
        raise BackupError(f"{exc}.") from exc
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    with tempfile.TemporaryDirectory(prefix="solidarity-restore-") as tmp:
        work = Path(tmp)
        plain = work / "backup.tar"
        try:
            pyrage.decrypt_file(str(archive), str(plain), identities)
        except Exception as exc:
            raise BackupError(f"Cannot decrypt {archive}: wrong identity, or the file is damaged ({exc}).") from exc
        try:
            extract_all(plain, work)
        except UnsafeArchive as exc:
            raise BackupError(f"{archive} is not a Solidarity backup: {exc}") from exc
        try:
            manifest = json.loads((work / "manifest.json").read_text())
        except (OSError, ValueError) as exc:
            raise BackupError(f"{archive} is not a Solidarity backup (no readable manifest.json).") from exc
        if manifest.get("format") != BACKUP_FORMAT:
            raise BackupError(f"{archive} has format {manifest.get('format')!r}, expected {BACKUP_FORMAT}.")
        report = verify_bundle(work / "publiclog")
        if not report.ok:
            raise BackupError(f"The public log in the backup does not verify: {report.problems[0]}")
        if report.root_hash != manifest["root_hash"] or report.tree_size != manifest["tree_size"]:
            raise BackupError("The backup's manifest and its public log disagree on the signed root.")
        with _as_owner() as runtime_role:
            if connection.introspection.table_names():
                raise BackupError(
                    f"Database {connection.settings_dict['NAME']!r} is not empty: restore into a new, empty database."
                )
            env = libpq_environment()
            dump = work / "database.dump"
            _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  f"--dbname={env['PGDATABASE']}", str(dump)], env=env)  # fmt: skip
            if runtime_role:
                grant_runtime_role(connection, runtime_role)
        restored = Checkpoint.objects.filter(tree_size=report.tree_size).first()
        if report.tree_size and (restored is None or restored.root_hash != report.root_hash):
            raise BackupError("The restored database does not hold the checkpoint its public log was exported at.")
    return RestoreResult(
        created_at=str(manifest["created_at"]),
        tree_size=report.tree_size,
        root_hash=report.root_hash,
        runtime_role=runtime_role or "",
    )
