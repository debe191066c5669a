"""Point-in-time recovery, and a standby, through the shipped archive: a scratch PostgreSQL cluster
archives its WAL with deploy/bin/solidarity-wal-archive (age-encrypted), takes an encrypted
base backup with `solidarity-wal base-backup`, and a second cluster restored from it with
`solidarity-wal restore-base --target-time` replays the archived WAL up to that moment: a
row committed before the target is there, one committed after it is not. A standby set up
with `restore-base --standby` keeps replaying segments as they are archived."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pyrage
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "deploy" / "bin"
PG_BIN = Path("/usr/lib/postgresql/15/bin")

pytestmark = pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="needs PostgreSQL 15's server binaries")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Scratch:
    """A folder PostgreSQL's user can use, and commands run as that user."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder, self.env = folder, env
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root
        self.bin = BIN  # the archive tools as this checkout has them (a copy where postgres cannot read it)

    def run(self, *command: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        args = [str(c) for c in command]
        if self.as_postgres:
            args = ["runuser", "-u", "postgres", "--", "env", *(f"{k}={v}" for k, v in self.env.items()), *args]
        done = subprocess.run(args, env=self.env, capture_output=True, text=True, timeout=120, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(args[-4:])} failed: {done.stderr}{done.stdout}")
        return done

    def start(self, data: Path, port: int, *options: str) -> None:
        log = data.parent / f"{data.name}.log"
        self.run(PG_BIN / "pg_ctl", "-D", data, "-l", log, "-o", " ".join([f"-p {port}", *options]), "-w", "start")

    def stop(self, data: Path) -> None:
        if (data / "postmaster.pid").exists():
            self.run(PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "-w", "stop", check=False)


def _system_python() -> Path:
    """The system's Python of this version, which PostgreSQL's user can run (or skip)."""
    system = Path(f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}")
    if not system.exists():
        pytest.skip(f"PostgreSQL's user cannot run {sys.executable} and there is no {system}")
    return system


def _readable_copy_of_the_archive_tools(folder: Path) -> Path:
    """deploy/bin, deploy/postgresql and the two plain modules they import, under `folder/app`;
    pyrage under `folder/site`. Returns the copied deploy/bin."""
    app = folder / "app"
    for part in ("bin", "postgresql"):
        shutil.copytree(ROOT / "deploy" / part, app / "deploy" / part, symlinks=True)
    (app / "solidarity" / "core").mkdir(parents=True)
    for module in ("__init__.py", "core/__init__.py", "core/age_keys.py", "core/safe_tar.py"):
        shutil.copy2(ROOT / "solidarity" / module, app / "solidarity" / module)
    shutil.copytree(Path(pyrage.__file__).parent, folder / "site" / "pyrage")
    return app / "deploy" / "bin"


@pytest.fixture
def scratch() -> Iterator[Scratch]:
    folder = Path(tempfile.mkdtemp(prefix="solidarity-pitr-"))
    folder.chmod(0o755)
    (folder / "archive").mkdir()
    identity = pyrage.x25519.Identity.generate()
    (folder / "identity.txt").write_text(f"{identity}\n")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "SOLIDARITY_BACKUP_DIR": str(folder / "archive"),
        "SOLIDARITY_BACKUP_RECIPIENTS": str(identity.to_public()),
        "SOLIDARITY_BACKUP_IDENTITY_FILE": str(folder / "identity.txt"),
        "SOLIDARITY_BACKUP_ENV_FILE": str(folder / "no-backup.env"),
        "SOLIDARITY_PG_BIN": str(PG_BIN),
        "PGHOST": "127.0.0.1",
        "PGUSER": "postgres",
    }
    box = Scratch(folder, env)
    if box.as_postgres and box.run("test", "-r", BIN / "solidarity-wal", check=False).returncode != 0:
        # PostgreSQL's user cannot read this checkout (a private folder, like CI's clone): run
        # a copy of the archive scripts and the plain modules they import, as an operator's
        # install under /srv would be, with the system's Python and a copy of pyrage.
        box.bin = _readable_copy_of_the_archive_tools(folder)
        system = _system_python()
        env |= {
            "SOLIDARITY_APP_DIR": str(folder / "app"),
            "SOLIDARITY_PYTHON": str(system),
            "PYTHONPATH": str(folder / "site"),
        }
    elif box.as_postgres and box.run("test", "-x", Path(sys.executable).resolve(), check=False).returncode != 0:
        # This machine's venv Python lives where PostgreSQL's user cannot reach (under
        # /root); in production the venv is under /srv, readable. Run the same code with
        # the system's Python of the same version and the venv's packages.
        system = _system_python()
        env |= {"SOLIDARITY_PYTHON": str(system), "PYTHONPATH": sysconfig.get_paths()["purelib"]}
    if box.as_postgres:
        shutil.chown(folder, "postgres", "postgres")
        for path in folder.rglob("*"):
            shutil.chown(path, "postgres", "postgres")
    try:
        yield box
    finally:
        for data in (folder / "primary", folder / "restored", folder / "standby"):
            box.stop(data)
        shutil.rmtree(folder, ignore_errors=True)


def wait_for(condition, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.1)


def connect(port: int) -> psycopg.Connection:
    return psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True)


def start_primary(scratch: Scratch) -> tuple[Path, int]:
    """A fresh cluster archiving through the shipped archive_command."""
    primary, port = scratch.folder / "primary", free_port()
    scratch.run(PG_BIN / "initdb", "-D", primary, "-U", "postgres", "--auth=trust", "--no-sync")
    with open(primary / "postgresql.conf", "a") as conf:
        conf.write(
            "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\nwal_level = replica\n"
            f"archive_mode = on\narchive_command = '{scratch.bin / 'solidarity-wal-archive'} %p %f'\n"
        )
    scratch.start(primary, port)
    return primary, port


def switch_and_wait_until_archived(db: psycopg.Connection) -> None:
    last = db.execute("SELECT pg_walfile_name(pg_switch_wal())").fetchone()[0]
    wait_for(
        lambda: (db.execute("SELECT last_archived_wal FROM pg_stat_archiver").fetchone()[0] or "") >= last,
        f"{last} to be archived",
    )
    assert db.execute("SELECT failed_count FROM pg_stat_archiver").fetchone()[0] == 0


def test_archived_wal_replays_to_a_point_in_time(scratch: Scratch) -> None:
    primary, port = start_primary(scratch)
    with connect(port) as db:
        db.execute("CREATE TABLE gifts (note text)")
        done = scratch.run(scratch.bin / "solidarity-wal", "base-backup", "--", "-p", str(port))
        assert "base backup written to" in done.stdout
        db.execute("INSERT INTO gifts VALUES ('before the target')")  # only in the WAL, not the base backup
        target = db.execute("SELECT clock_timestamp()").fetchone()[0]
        db.execute("INSERT INTO gifts VALUES ('after the target')")
        switch_and_wait_until_archived(db)
    scratch.stop(primary)

    stored = sorted((scratch.folder / "archive" / "wal").glob("*.age"))
    assert stored and all(p.read_bytes().startswith(b"age-encryption.org/v1") for p in stored)
    assert all(b"before the target" not in p.read_bytes() for p in stored)

    restored, port2 = scratch.folder / "restored", free_port()
    scratch.run(scratch.bin / "solidarity-wal", "restore-base", "latest", restored, "--target-time", target.isoformat())
    scratch.start(restored, port2)
    with connect(port2) as db:
        wait_for(lambda: not db.execute("SELECT pg_is_in_recovery()").fetchone()[0], "the recovery to finish")
        notes = [row[0] for row in db.execute("SELECT note FROM gifts")]
    assert notes == ["before the target"]


def test_a_standby_follows_the_encrypted_archive_through_restore_command(scratch: Scratch) -> None:
    _, port = start_primary(scratch)
    standby, port2 = scratch.folder / "standby", free_port()
    with connect(port) as db:
        db.execute("CREATE TABLE gifts (note text)")
        scratch.run(scratch.bin / "solidarity-wal", "base-backup", "--", "-p", str(port))
        scratch.run(scratch.bin / "solidarity-wal", "restore-base", "latest", standby, "--standby")
        assert (standby / "standby.signal").exists()
        # No streaming: every change reaches the standby through solidarity-wal-restore.
        scratch.start(standby, port2, "-c archive_mode=off", "-c wal_retrieve_retry_interval=100ms")
        db.execute("INSERT INTO gifts VALUES ('archived after the standby started')")
        switch_and_wait_until_archived(db)
    with connect(port2) as replica:
        assert replica.execute("SELECT pg_is_in_recovery()").fetchone()[0]
        wait_for(
            lambda: replica.execute("SELECT count(*) FROM gifts").fetchone()[0] == 1,
            "the standby to replay the archived segment",
        )
        assert replica.execute("SELECT note FROM gifts").fetchone()[0] == "archived after the standby started"
