"""Unpack a tar archive without letting it write outside its folder. Plain Python, no
Django (deploy/postgresql/solidarity_wal.py imports it too).

Python's own guard (`extractall(filter="data")`) arrived in 3.11.4; Debian 12's Python is
3.11.2, so on older versions the members are checked here first: no absolute paths, no
`..`, no links pointing outside, no devices."""

from __future__ import annotations

import tarfile
from pathlib import Path


class UnsafeArchive(ValueError):
    """A member would land outside the folder, or is not a plain file, folder or link."""


def extract_all(archive: Path, into: Path) -> None:
    """Extract every member of archive into the folder `into`; UnsafeArchive if one escapes."""
    with tarfile.open(archive) as tar:
        if hasattr(tarfile, "data_filter"):
            try:
                tar.extractall(into, filter="data")
            except tarfile.FilterError as exc:
                raise UnsafeArchive(f"{archive.name}: {exc}") from exc
            return
        root = into.resolve()
        for member in tar.getmembers():
            target = (root / member.name).resolve()
            if not target.is_relative_to(root) or not (member.isfile() or member.isdir() or member.issym()):
                raise UnsafeArchive(f"{archive.name}: refusing the member {member.name!r}")
            if member.issym() and not (target.parent / member.linkname).resolve().is_relative_to(root):
                # pg_basebackup's tablespace links (pg_tblspc/…) point outside: not supported here
                raise UnsafeArchive(f"{archive.name}: refusing the link {member.name!r} -> {member.linkname!r}")
        tar.extractall(into)  # noqa: S202  # nosec B202: every member checked above
