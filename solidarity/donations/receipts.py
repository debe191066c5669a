"""Receipt codes: 128 random bits shown to the donor once; only a hash is stored.

A code identifies a donation in the public ledger without identifying the donor. 128 bits
of entropy make brute force hopeless, so a fast hash suffices and no salt is needed.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

CODE_BYTES = 16  # 128 bits


def new_receipt_code() -> str:
    """A fresh code such as 'K7QF-2M3A-…' (26 base32 characters in groups of four)."""
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode().rstrip("=")
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def normalize_receipt_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def hash_receipt_code(code: str) -> str:
    return hashlib.sha256(normalize_receipt_code(code).encode()).hexdigest()
