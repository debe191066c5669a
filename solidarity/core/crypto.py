"""Encryption of sensitive fields at rest, with keys that live outside the database.

Keys come from SOLIDARITY_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first.
Every key can decrypt; only the newest encrypts, so keys rotate by prepending a new one
(and re-encrypting). In development without keys, one is derived from the secret key.
"""

from __future__ import annotations

import base64
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from solidarity.core.errors import DomainError


class DecryptionFailed(DomainError):
    code = "decryption_failed"


def _derived_development_key() -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"solidarity field encryption (development)")
    return base64.urlsafe_b64encode(hkdf.derive(settings.SECRET_KEY.encode()))


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    material = [k.encode() for k in keys] or [_derived_development_key()]
    return MultiFernet([Fernet(k) for k in material])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.SOLIDARITY_ENCRYPTION_KEYS))


def encrypt_text(plain: str) -> str:
    """Encrypt with the newest key; returns ASCII text safe to store. Empty stays empty."""
    if not plain:
        return ""
    return fernet().encrypt(plain.encode()).decode()


def decrypt_text(token: str) -> str:
    if not token:
        return ""
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionFailed("Cannot decrypt: none of the configured keys fits.") from exc


def reencrypt_text(token: str) -> str:
    """Re-encrypt a stored value under the newest key (for key rotation); DecryptionFailed
    when none of the configured keys opens it (the old key was dropped too early)."""
    if not token:
        return ""
    try:
        return fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise DecryptionFailed("Cannot re-encrypt a stored value: none of the configured keys fits.") from exc
