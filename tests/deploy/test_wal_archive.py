"""The WAL archive PostgreSQL calls (deploy/bin/solidarity-wal-archive, -restore): segments
are age-encrypted before they are written to the archive, come back byte for byte with
the identity, and every failure is loud (stderr, non-zero exit)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pyrage
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / "deploy" / "bin"


@pytest.fixture
def keys(tmp_path):
    identity = pyrage.x25519.Identity.generate()
    identity_file = tmp_path / "identity.txt"
    identity_file.write_text(f"# backup identity\n{identity}\n")
    return str(identity.to_public()), identity_file


@pytest.fixture
def archive_env(tmp_path, keys):
    archive = tmp_path / "archive"
    archive.mkdir()
    public, identity_file = keys
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOLIDARITY_BACKUP")}
    env |= {
        "SOLIDARITY_BACKUP_DIR": str(archive),
        "SOLIDARITY_BACKUP_RECIPIENTS": public,
        "SOLIDARITY_BACKUP_IDENTITY_FILE": str(identity_file),
        "SOLIDARITY_BACKUP_ENV_FILE": str(tmp_path / "no-such.env"),
    }
    return env


def run(program: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / program), *args], env=env, capture_output=True, text=True, timeout=60, check=False)


def segment(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / "pg_wal" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


SEG = "000000010000000000000003"


def test_a_segment_is_encrypted_in_the_archive_and_restores_byte_for_byte(tmp_path, archive_env) -> None:
    content = b"WAL page " * 4096 + os.urandom(1024)
    done = run("solidarity-wal-archive", str(segment(tmp_path, SEG, content)), SEG, env=archive_env)
    assert done.returncode == 0, done.stderr
    stored = Path(archive_env["SOLIDARITY_BACKUP_DIR"]) / "wal" / f"{SEG}.age"
    assert stored.read_bytes().startswith(b"age-encryption.org/v1")
    assert stored.stat().st_mode & 0o777 == 0o600
    assert b"WAL page" not in stored.read_bytes()
    out = tmp_path / "restored"
    done = run("solidarity-wal-restore", SEG, str(out), env=archive_env)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == content


def test_archiving_the_same_segment_again_succeeds_but_different_content_is_refused(tmp_path, archive_env) -> None:
    path = segment(tmp_path, SEG, b"first version")
    assert run("solidarity-wal-archive", str(path), SEG, env=archive_env).returncode == 0
    assert run("solidarity-wal-archive", str(path), SEG, env=archive_env).returncode == 0  # a retry after a crash
    path.write_bytes(b"something else")
    done = run("solidarity-wal-archive", str(path), SEG, env=archive_env)
    assert done.returncode == 1
    assert "already exists with different content" in done.stderr


def test_archiving_fails_loudly_without_a_mounted_archive_or_a_key(tmp_path, archive_env) -> None:
    path = segment(tmp_path, SEG, b"segment")
    unmounted = archive_env | {"SOLIDARITY_BACKUP_DIR": str(tmp_path / "not-mounted")}
    done = run("solidarity-wal-archive", str(path), SEG, env=unmounted)
    assert done.returncode == 1
    assert "is not a folder (is the backup volume mounted?)" in done.stderr
    keyless = {k: v for k, v in archive_env.items() if k != "SOLIDARITY_BACKUP_RECIPIENTS"}
    done = run("solidarity-wal-archive", str(path), SEG, env=keyless)
    assert done.returncode == 1
    assert "SOLIDARITY_BACKUP_RECIPIENTS is not set" in done.stderr
    assert not (tmp_path / "archive" / "wal" / f"{SEG}.age").exists()


def test_settings_come_from_the_backup_env_file_when_the_environment_has_none(tmp_path, archive_env) -> None:
    env_file = tmp_path / "backup.env"
    env_file.write_text(
        "# written by the operator\n"
        f"SOLIDARITY_BACKUP_DIR={archive_env['SOLIDARITY_BACKUP_DIR']}\n"
        f"SOLIDARITY_BACKUP_RECIPIENTS='{archive_env['SOLIDARITY_BACKUP_RECIPIENTS']}'\n"
    )
    env = {k: v for k, v in archive_env.items() if not k.startswith("SOLIDARITY_BACKUP")}
    env["SOLIDARITY_BACKUP_ENV_FILE"] = str(env_file)
    done = run("solidarity-wal-archive", str(segment(tmp_path, SEG, b"segment")), SEG, env=env)
    assert done.returncode == 0, done.stderr
    assert (Path(archive_env["SOLIDARITY_BACKUP_DIR"]) / "wal" / f"{SEG}.age").exists()


def test_restore_says_not_found_with_1_and_stops_recovery_on_a_wrong_key(tmp_path, archive_env) -> None:
    done = run("solidarity-wal-restore", SEG, str(tmp_path / "out"), env=archive_env)
    assert done.returncode == 1  # PostgreSQL's ordinary "no more WAL"
    assert f"{SEG} is not in the archive" in done.stderr
    assert run("solidarity-wal-archive", str(segment(tmp_path, SEG, b"x")), SEG, env=archive_env).returncode == 0
    other = tmp_path / "other.txt"
    other.write_text(f"{pyrage.x25519.Identity.generate()}\n")
    done = run(
        "solidarity-wal-restore",
        SEG,
        str(tmp_path / "out"),
        env=archive_env | {"SOLIDARITY_BACKUP_IDENTITY_FILE": str(other)},
    )
    assert done.returncode == 126  # above 125: PostgreSQL aborts rather than ending recovery early
    assert "cannot decrypt" in done.stderr
    assert not (tmp_path / "out").exists()


def test_prune_keeps_the_newest_base_backups_and_the_wal_they_need(tmp_path, archive_env) -> None:
    root = Path(archive_env["SOLIDARITY_BACKUP_DIR"])
    done = run("solidarity-wal", "prune", "--keep", "1", env=archive_env)
    assert done.returncode == 1
    assert "no finished base backup: nothing pruned" in done.stderr
    names = [f"0000000100000000000000{n:02X}" for n in range(1, 9)]
    for name in names:
        assert (
            run("solidarity-wal-archive", str(segment(tmp_path, name, name.encode())), name, env=archive_env).returncode
            == 0
        )
    for backup_id, start in (("20261101T023000Z", names[1]), ("20261108T023000Z", names[4])):
        folder = root / "base" / backup_id
        folder.mkdir(parents=True)
        (folder / "backup.json").write_text(json.dumps({"id": backup_id, "started": backup_id, "start_wal": start}))
    (root / "base" / ".20261115T023000Z.partial").mkdir()  # a backup cut short does not count
    done = run("solidarity-wal", "prune", "--keep", "1", env=archive_env)
    assert done.returncode == 0, done.stderr
    assert "removed 1 base backup(s) and 4 WAL file(s)" in done.stdout
    assert sorted(p.name for p in (root / "base").iterdir() if not p.name.startswith(".")) == ["20261108T023000Z"]
    kept = sorted(p.name.removesuffix(".age") for p in (root / "wal").glob("*.age"))
    assert kept == names[4:]


def test_a_base_backup_that_cannot_reach_the_server_fails_loudly_and_leaves_nothing(archive_env) -> None:
    port = "1"  # nothing listens there
    done = run("solidarity-wal", "base-backup", "--", "-h", "127.0.0.1", "-p", port, env=archive_env)
    assert done.returncode == 1
    assert "pg_basebackup failed" in done.stderr or "pg_basebackup not found" in done.stderr
    base = Path(archive_env["SOLIDARITY_BACKUP_DIR"]) / "base"
    assert not base.exists() or not list(base.iterdir())


def test_keygen_prints_an_identity_whose_public_key_archives_for_it(tmp_path, archive_env) -> None:
    done = run("solidarity-wal", "keygen", env=archive_env)
    assert done.returncode == 0, done.stderr
    public = done.stderr.strip().rsplit(" ", 1)[1]
    assert public.startswith("age1") and f"# public key: {public}" in done.stdout
    identity_file = tmp_path / "new-identity.txt"
    identity_file.write_text(done.stdout)
    env = archive_env | {"SOLIDARITY_BACKUP_RECIPIENTS": public, "SOLIDARITY_BACKUP_IDENTITY_FILE": str(identity_file)}
    assert run("solidarity-wal-archive", str(segment(tmp_path, SEG, b"segment")), SEG, env=env).returncode == 0
    assert run("solidarity-wal-restore", SEG, str(tmp_path / "back"), env=env).returncode == 0
    assert (tmp_path / "back").read_bytes() == b"segment"


def test_list_shows_finished_base_backups_only(archive_env) -> None:
    base = Path(archive_env["SOLIDARITY_BACKUP_DIR"]) / "base"
    (base / "20261108T023000Z").mkdir(parents=True)
    info = {"id": "20261108T023000Z", "started": "2026-11-08T02:30:00+00:00", "start_wal": SEG}
    (base / "20261108T023000Z" / "backup.json").write_text(json.dumps(info))
    (base / ".20261115T023000Z.partial").mkdir()
    done = run("solidarity-wal", "list", env=archive_env)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"20261108T023000Z  started 2026-11-08T02:30:00+00:00  WAL from {SEG}\n"


def test_the_wrappers_work_installed_as_symlinks_as_operations_md_says(tmp_path, archive_env) -> None:
    installed = tmp_path / "usr-local-bin"
    installed.mkdir()
    for name in ("solidarity-wal", "solidarity-wal-archive", "solidarity-wal-restore"):
        (installed / name).symlink_to(BIN / name)
    path = segment(tmp_path, SEG, b"through the symlink")
    done = subprocess.run(
        [str(installed / "solidarity-wal-archive"), str(path), SEG], env=archive_env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (Path(archive_env["SOLIDARITY_BACKUP_DIR"]) / "wal" / f"{SEG}.age").exists()


def test_restore_base_refuses_a_target_time_it_cannot_write_safely(tmp_path, archive_env) -> None:
    done = run(
        "solidarity-wal", "restore-base", "latest", str(tmp_path / "d"), "--target-time", "now'; x", env=archive_env
    )
    assert done.returncode == 1
    assert "is not a time such as" in done.stderr
    assert not (tmp_path / "d").exists()
