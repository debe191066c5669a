"""Solidarity's encrypted PostgreSQL archive: WAL segments and base backups, age-encrypted
(pyrage) before they leave the database machine, with a retention policy.

PostgreSQL calls it through the small wrappers in deploy/bin/ (installed as symlinks in
/usr/local/bin, see docs/operations.md):

    archive_command = '/usr/local/bin/solidarity-wal-archive %p %f'
    restore_command = '/usr/local/bin/solidarity-wal-restore %f %p'

and an operator (or solidarity-base-backup.timer) through `solidarity-wal`:

    solidarity-wal keygen > backup-identity.txt     # once, on an offline machine
    solidarity-wal base-backup                      # pg_basebackup, encrypted
    solidarity-wal list
    solidarity-wal prune --keep 4                   # older base backups and the WAL before them
    solidarity-wal restore-base latest DATADIR [--target-time '2026-12-06 18:00:00+00' | --standby]

Settings come from the environment, else from /etc/solidarity/backup.env
(SOLIDARITY_BACKUP_ENV_FILE names another file; KEY=VALUE lines):

    SOLIDARITY_BACKUP_DIR            the archive: wal/ and base/ below it. A mounted off-site
                                     volume, or a local folder that rclone/rsync copies off-site:
                                     everything in it is already encrypted.
    SOLIDARITY_BACKUP_RECIPIENTS     age public keys (age1…, or ssh-ed25519 …), comma-separated:
                                     whoever holds one of the matching identities can restore.
    SOLIDARITY_BACKUP_IDENTITY_FILE  the age identity file (AGE-SECRET-KEY-1…): only on the
                                     machine that restores, never on the primary.

Beside each encrypted segment lies the SHA-256 of its plain bytes (NAME.sha256), so that a
retried archive_command is recognised without the private key and a restore detects a
damaged archive; it reveals nothing of a segment to anyone who cannot already guess all
16 MB of it.

Every failure is loud: a message on stderr and a non-zero exit, so PostgreSQL keeps the
segment and retries (pg_stat_archiver.failed_count rises; alert on it). restore exits 1
when a segment is not in the archive (PostgreSQL's normal end of recovery) and 126 when a
segment is there but cannot be decrypted or is damaged: PostgreSQL then stops the
recovery instead of silently ending it at an earlier point in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pyrage

# The age key handling is the app's own (plain Python, no Django): the app folder is two
# levels up (deploy/postgresql/), on the path when the wrappers in deploy/bin/ run this.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from solidarity.core.age_keys import AgeKeyError, generate_identity, parse_recipients, read_identities
from solidarity.core.safe_tar import UnsafeArchive, extract_all

ENV_FILE = "/etc/solidarity/backup.env"
NOT_IN_ARCHIVE = 1
FATAL_FOR_RECOVERY = 126  # PostgreSQL aborts recovery when restore_command exits above 125
WAL_SEGMENT_BYTES = 16 * 1024 * 1024
SEGMENT_NAME = re.compile(r"^[0-9A-F]{24}$")
PG_BIN_DIRS = ("/usr/lib/postgresql/17/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/15/bin")


class ArchiveError(Exception):
    """A failure the operator must see: printed on stderr, non-zero exit."""


class NotInArchive(ArchiveError):
    """The one failure restore_command reports as "no such file" (exit 1)."""


def setting(name: str, *, required: bool = True) -> str:
    """The environment's value, else the backup.env file's; ArchiveError when required and unset."""
    value = os.environ.get(name)
    env_file = Path(os.environ.get("SOLIDARITY_BACKUP_ENV_FILE", ENV_FILE))
    if value is None and env_file.is_file():
        for line in env_file.read_text().splitlines():
            key, sep, val = line.strip().partition("=")
            if sep and key.strip() == name and not line.lstrip().startswith("#"):
                value = val.strip().strip("'\"")
    if required and not value:
        raise ArchiveError(f"{name} is not set (environment or {env_file})")
    return value or ""


def archive_root() -> Path:
    root = Path(setting("SOLIDARITY_BACKUP_DIR"))
    if not root.is_dir():
        raise ArchiveError(f"SOLIDARITY_BACKUP_DIR {root} is not a folder (is the backup volume mounted?)")
    return root


def recipients() -> list[object]:
    try:
        return parse_recipients(re.split(r"[,\n]", setting("SOLIDARITY_BACKUP_RECIPIENTS")))
    except AgeKeyError as exc:
        raise ArchiveError(str(exc)) from exc


def identities() -> list[object]:
    try:
        return read_identities(Path(setting("SOLIDARITY_BACKUP_IDENTITY_FILE")))
    except AgeKeyError as exc:
        raise ArchiveError(str(exc)) from exc


def encrypt_file(source: Path, target: Path) -> None:
    """Encrypt source into target atomically: a partial file never carries the final name."""
    partial = target.with_name(f".{target.name}.partial")
    try:
        pyrage.encrypt_file(str(source), str(partial), recipients())
        partial.chmod(0o600)  # encrypted, and still nobody else's business
        with open(partial, "rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
        fsync_folder(target.parent)
    except ArchiveError:
        raise
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"cannot write {target}: {exc}") from exc


def decrypt_file(source: Path, target: Path) -> None:

    partial = target.with_name(f".{target.name}.partial")
    try:
        pyrage.decrypt_file(str(source), str(partial), identities())
    except ArchiveError:
        raise
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise ArchiveError(f"cannot decrypt {source} (wrong identity, or the file is damaged): {exc}") from exc
    os.replace(partial, target)


def fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- WAL -------------------------------------------------------------------------------


def archive_wal(source: Path, name: str) -> Path:
    """Encrypt one WAL file (segment, .history, .backup, .partial) into <root>/wal/NAME.age.

    Archiving the same file twice succeeds (PostgreSQL may retry after a crash); a
    different file under an existing name is refused, never overwritten."""
    if "/" in name or not name or name.startswith("."):
        raise ArchiveError(f"refusing the file name {name!r}")
    if not source.is_file():
        raise ArchiveError(f"{source} does not exist (run from the data directory, as PostgreSQL does)")
    folder = archive_root() / "wal"
    folder.mkdir(exist_ok=True)
    target, checksum = folder / f"{name}.age", folder / f"{name}.sha256"
    digest = sha256_of(source)
    if target.exists():
        if checksum.exists() and checksum.read_text().strip() == digest:
            return target
        raise ArchiveError(f"{target} already exists with different content: refusing to overwrite it")
    # The checksum of the plain segment lets a retry be recognised without the private key.
    checksum.write_text(digest + "\n")
    encrypt_file(source, target)
    return target


def restore_wal(name: str, destination: Path) -> Path:
    """Decrypt <root>/wal/NAME.age into destination (PostgreSQL's %p)."""
    source = archive_root() / "wal" / f"{name}.age"
    if not source.exists():
        raise NotInArchive(f"{name} is not in the archive")
    decrypt_file(source, destination)
    checksum = source.with_name(f"{name}.sha256")
    if checksum.exists() and checksum.read_text().strip() != sha256_of(destination):
        destination.unlink()
        raise ArchiveError(f"{name} decrypted but does not match its checksum: the archive is damaged")
    return destination


# --- base backups ----------------------------------------------------------------------


def pg_program(name: str) -> str:
    for folder in [os.environ.get("SOLIDARITY_PG_BIN", ""), *PG_BIN_DIRS]:
        if folder and (Path(folder) / name).exists():
            return str(Path(folder) / name)
    found = shutil.which(name)
    if not found:
        raise ArchiveError(f"{name} not found (install postgresql-client, or set SOLIDARITY_PG_BIN)")
    return found


def segment_of(lsn: str, timeline: int) -> str:
    high, low = (int(part, 16) for part in lsn.split("/"))
    position = (high << 32) | low
    per_id = 0x100000000 // WAL_SEGMENT_BYTES
    segment = position // WAL_SEGMENT_BYTES
    return f"{timeline:08X}{segment // per_id:08X}{segment % per_id:08X}"


def base_backup(extra_args: Sequence[str] = ()) -> Path:
    """pg_basebackup (tar format, WAL streamed alongside) into a private temporary folder,
    each file encrypted into <root>/base/<UTC time>/, then the plain copy removed."""
    root = archive_root()
    recipients()  # fail before copying gigabytes when no key is configured
    started = dt.datetime.now(dt.UTC)
    backup_id = started.strftime("%Y%m%dT%H%M%SZ")
    target = root / "base" / backup_id
    with tempfile.TemporaryDirectory(prefix="solidarity-base-", dir=os.environ.get("SOLIDARITY_BACKUP_TMPDIR")) as tmp:
        plain = Path(tmp) / "backup"
        command = [pg_program("pg_basebackup"), "-D", str(plain), "-Ft", "-X", "stream", "--checkpoint=fast"]
        command += ["--label", f"solidarity {backup_id}", *extra_args]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise ArchiveError(f"pg_basebackup failed ({done.returncode}): {done.stderr.strip()}")
        manifest = json.loads((plain / "backup_manifest").read_text())
        wal_range = manifest["WAL-Ranges"][0]
        partial = root / "base" / f".{backup_id}.partial"
        partial.mkdir(parents=True)
        try:
            files = sorted(p.name for p in plain.iterdir())
            for name in files:
                encrypt_file(plain / name, partial / f"{name}.age")
            info = {
                "id": backup_id,
                "started": started.isoformat(),
                "finished": dt.datetime.now(dt.UTC).isoformat(),
                "timeline": wal_range["Timeline"],
                "start_lsn": wal_range["Start-LSN"],
                "end_lsn": wal_range["End-LSN"],
                "start_wal": segment_of(wal_range["Start-LSN"], wal_range["Timeline"]),
                "files": [f"{name}.age" for name in files],
            }
            (partial / "backup.json").write_text(json.dumps(info, indent=2) + "\n")
            os.replace(partial, target)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)  # never leave a half-written backup behind
            raise
        fsync_folder(target.parent)
    return target


def base_backups(root: Path) -> list[dict[str, object]]:
    """Finished base backups, oldest first (a folder without backup.json was cut short)."""
    folder = root / "base"
    found = []
    for entry in sorted(folder.iterdir()) if folder.is_dir() else []:
        info = entry / "backup.json"
        if entry.is_dir() and not entry.name.startswith(".") and info.is_file():
            found.append(json.loads(info.read_text()))
    return found


def restore_base(backup_id: str, data_dir: Path, *, target_time: str | None = None, standby: bool = False) -> Path:
    """Decrypt and unpack a base backup into an empty data_dir, and set it up to replay the
    archived WAL (recovery.signal, restore_command; recovery_target_time when given), or,
    as a standby, to keep replaying it as it is archived (standby.signal)."""
    if standby and target_time:
        raise ArchiveError("a standby follows the archive: --target-time is for a recovery")
    if target_time and not re.fullmatch(r"[0-9][0-9 :.+\-TZ]*", target_time):
        raise ArchiveError(f"--target-time {target_time!r} is not a time such as '2026-12-06 18:00:00+00'")
    root = archive_root()
    backups = base_backups(root)
    if not backups:
        raise ArchiveError(f"no base backup in {root / 'base'}")
    chosen = backups[-1] if backup_id == "latest" else next((b for b in backups if b["id"] == backup_id), None)
    if chosen is None:
        raise ArchiveError(f"no base backup {backup_id!r} (solidarity-wal list shows them)")
    if data_dir.exists() and any(data_dir.iterdir()):
        raise ArchiveError(f"{data_dir} is not empty")
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    data_dir.chmod(0o700)
    folder = root / "base" / str(chosen["id"])
    with tempfile.TemporaryDirectory(prefix="solidarity-restore-", dir=data_dir.parent) as tmp:
        for name in chosen["files"]:  # type: ignore[attr-defined]
            plain = Path(tmp) / name.removesuffix(".age")
            decrypt_file(folder / name, plain)
            if plain.name == "base.tar":
                unpack(plain, data_dir)
            elif plain.name == "pg_wal.tar":
                unpack(plain, data_dir / "pg_wal")
            plain.unlink()
    (data_dir / ("standby.signal" if standby else "recovery.signal")).touch()
    lines = [
        "",
        "# written by solidarity-wal restore-base",
        f"restore_command = '{wrapper('solidarity-wal-restore')} %f %p'",
    ]
    if target_time:
        lines += [f"recovery_target_time = '{target_time}'", "recovery_target_action = 'promote'"]
    with open(data_dir / "postgresql.auto.conf", "a") as conf:
        conf.write("\n".join(lines) + "\n")
    return data_dir


def unpack(archive: Path, into: Path) -> None:
    into.mkdir(mode=0o700, exist_ok=True)
    try:
        extract_all(archive, into)
    except UnsafeArchive as exc:
        raise ArchiveError(str(exc)) from exc


def wrapper(name: str) -> str:
    """The installed wrapper if there is one, else the repository's own."""
    installed = Path("/usr/local/bin") / name
    return str(installed if installed.exists() else Path(__file__).resolve().parents[1] / "bin" / name)


def prune(*, keep: int) -> tuple[list[str], int]:
    """Keep the newest `keep` base backups and the WAL from the oldest kept one onwards;
    remove older backups and segments. Refuses when no base backup exists."""
    if keep < 1:
        raise ArchiveError("--keep must be at least 1")
    root = archive_root()
    backups = base_backups(root)
    if not backups:
        raise ArchiveError("no finished base backup: nothing pruned (run solidarity-wal base-backup)")
    removed_backups = [str(b["id"]) for b in backups[:-keep]] if len(backups) > keep else []
    for backup_id in removed_backups:
        shutil.rmtree(root / "base" / backup_id)
    oldest_needed = str(backups[-keep:][0]["start_wal"])
    removed_wal = 0
    wal = root / "wal"
    for entry in sorted(wal.iterdir()) if wal.is_dir() else []:
        segment = entry.name.split(".")[0]
        # As pg_archivecleanup: compare without the timeline; keep every .history file.
        if SEGMENT_NAME.match(segment) and segment[8:] < oldest_needed[8:]:
            entry.unlink()
            if entry.suffix == ".age":
                removed_wal += 1
    return removed_backups, removed_wal


def keygen() -> tuple[str, str]:
    return generate_identity()


# --- command line ----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="solidarity-wal", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("archive", help="archive_command: encrypt WAL file PATH as NAME")
    p.add_argument("path", type=Path)
    p.add_argument("name")
    p = sub.add_parser("restore", help="restore_command: decrypt NAME into PATH")
    p.add_argument("name")
    p.add_argument("path", type=Path)
    p = sub.add_parser("base-backup", help="take an encrypted base backup (pg_basebackup; libpq PG* variables)")
    p.add_argument("pg_args", nargs="*", help="more pg_basebackup arguments, after --")
    sub.add_parser("list", help="list finished base backups")
    p = sub.add_parser("restore-base", help="unpack a base backup into an empty data directory, ready to replay WAL")
    p.add_argument("backup_id", help="an id from `list`, or latest")
    p.add_argument("data_dir", type=Path)
    p.add_argument("--target-time", help="stop replaying at this time, e.g. '2026-12-06 18:00:00+00'")
    p.add_argument("--standby", action="store_true", help="set up a standby that keeps replaying the archive")
    p = sub.add_parser("prune", help="retention: keep the newest N base backups and the WAL they need")
    p.add_argument("--keep", type=int, required=True)
    sub.add_parser("keygen", help="print a new age identity (keep it offline); its public key goes to stderr")
    args = parser.parse_args(argv)
    try:
        if args.command == "archive":
            archive_wal(args.path, args.name)
        elif args.command == "restore":
            restore_wal(args.name, args.path)
        elif args.command == "base-backup":
            print(f"base backup written to {base_backup(args.pg_args)}")
        elif args.command == "list":
            for b in base_backups(archive_root()):
                print(f"{b['id']}  started {b['started']}  WAL from {b['start_wal']}")
        elif args.command == "restore-base":
            restore_base(args.backup_id, args.data_dir, target_time=args.target_time, standby=args.standby)
            print(f"restored into {args.data_dir}; start PostgreSQL on it to replay the archived WAL")
        elif args.command == "prune":
            removed, segments = prune(keep=args.keep)
            print(f"removed {len(removed)} base backup(s) and {segments} WAL file(s)")
        elif args.command == "keygen":
            secret, public = keygen()
            print(f"# public key: {public}\n{secret}")
            print(f"public key (SOLIDARITY_BACKUP_RECIPIENTS): {public}", file=sys.stderr)
    except NotInArchive as exc:
        print(f"solidarity-wal {args.command}: {exc}", file=sys.stderr)
        return NOT_IN_ARCHIVE
    except Exception as exc:  # anything else is loud, never a silent success
        what = str(exc) if isinstance(exc, ArchiveError) else f"unexpected {type(exc).__name__}: {exc}"
        print(f"solidarity-wal {args.command}: {what}", file=sys.stderr)
        # A restore that cannot read the archive must stop the recovery, not end it early.
        return FATAL_FOR_RECOVERY if args.command == "restore" else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
