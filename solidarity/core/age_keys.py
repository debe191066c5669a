"""age keys for backups (pyrage): the public keys a backup is encrypted for, and the
identity file that decrypts it. Plain Python, no Django: deploy/postgresql/solidarity_wal.py
(run by PostgreSQL's archive_command) imports it too."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyrage


class AgeKeyError(ValueError):
    """A key that cannot be used; the message says which and why."""


def parse_recipients(texts: Iterable[str]) -> list[Any]:
    """age public keys (age1…, or an ssh-ed25519 / ssh-rsa line) → pyrage recipients."""
    parsed: list[Any] = []
    for text in (t.strip() for t in texts):
        if not text:
            continue
        try:
            kind = pyrage.ssh.Recipient if text.startswith("ssh-") else pyrage.x25519.Recipient
            parsed.append(kind.from_str(text))
        except Exception as exc:
            raise AgeKeyError(f"SOLIDARITY_BACKUP_RECIPIENTS: {text[:16]}… is not an age public key") from exc
    if not parsed:
        raise AgeKeyError("SOLIDARITY_BACKUP_RECIPIENTS is empty: name the age public key(s) that may restore")
    return parsed


def read_identities(path: Path) -> list[Any]:
    """The identities (AGE-SECRET-KEY-1… lines) in an age identity file."""
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise AgeKeyError(f"cannot read the age identity file {path}: {exc.strerror}") from exc
    found = [pyrage.x25519.Identity.from_str(line.strip()) for line in lines if line.startswith("AGE-SECRET-KEY-")]
    if not found:
        raise AgeKeyError(f"{path} holds no age identity (a line AGE-SECRET-KEY-1…)")
    return found


def generate_identity() -> tuple[str, str]:
    """A new identity: (the secret line to keep offline, its public key)."""
    identity = pyrage.x25519.Identity.generate()
    return str(identity), str(identity.to_public())
