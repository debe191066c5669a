"""The foundation's checkpoint signing key and the log's name (origin).

The key comes from `settings.SOLIDARITY_LOG_SIGNING_KEY` (or the environment variable of
the same name): an Ed25519 private key as PKCS#8 PEM, or its raw 32-byte seed in base64.
Without one (development), a key is derived from SECRET_KEY with HKDF so that every
run signs with the same key; the sealer says so loudly, because such a key changes
whenever SECRET_KEY does and must never sign a production log.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from solidarity.publiclog.formats import FormatError, check_origin

logger = logging.getLogger(__name__)

HKDF_SALT = b"solidarity public log"
HKDF_INFO = b"ed25519 checkpoint signing key v1"


@dataclass(frozen=True)
class LogKey:
    private_key: Ed25519PrivateKey
    origin: str
    development: bool  # derived from SECRET_KEY: fine for a laptop, never for production

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()


def log_origin() -> str:
    """The log's name, first line of every checkpoint. Set SOLIDARITY_LOG_ORIGIN once and never change it."""
    origin = getattr(settings, "SOLIDARITY_LOG_ORIGIN", "") or os.environ.get("SOLIDARITY_LOG_ORIGIN", "")
    if not origin:
        host = urlsplit(getattr(settings, "SOLIDARITY_PUBLIC_URL", "")).netloc or "solidarity.invalid"
        origin = f"{host}/public-log"
    try:
        return check_origin(origin)
    except FormatError as exc:
        raise ImproperlyConfigured(str(exc)) from exc


def signing_key() -> LogKey:
    configured = getattr(settings, "SOLIDARITY_LOG_SIGNING_KEY", None)
    if configured is None:
        configured = os.environ.get("SOLIDARITY_LOG_SIGNING_KEY", "")
    origin = log_origin()
    if configured.strip():
        return LogKey(_parse_key(configured.strip()), origin, development=False)
    return LogKey(_derived_key(settings.SECRET_KEY), origin, development=True)


@lru_cache(maxsize=4)
def _parse_key(text: str) -> Ed25519PrivateKey:
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ImproperlyConfigured("SOLIDARITY_LOG_SIGNING_KEY is a PEM key but not an Ed25519 one.")
            return key
        seed = base64.b64decode(text, validate=True)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise ImproperlyConfigured(f"SOLIDARITY_LOG_SIGNING_KEY cannot be read: {exc}") from exc
    if len(seed) != 32:
        raise ImproperlyConfigured("SOLIDARITY_LOG_SIGNING_KEY in base64 must be a 32-byte Ed25519 seed.")
    return Ed25519PrivateKey.from_private_bytes(seed)


@lru_cache(maxsize=4)
def _derived_key(secret: str) -> Ed25519PrivateKey:
    logger.warning(
        "SOLIDARITY_LOG_SIGNING_KEY is not set: the public log is signed with a development key derived "
        "from SECRET_KEY. Set a real Ed25519 key before publishing anything."
    )
    seed = HKDF(algorithm=hashes.SHA256(), length=32, salt=HKDF_SALT, info=HKDF_INFO).derive(secret.encode())
    return Ed25519PrivateKey.from_private_bytes(seed)


def new_key_base64() -> str:
    """A fresh random seed in the form SOLIDARITY_LOG_SIGNING_KEY accepts (for operators)."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return base64.b64encode(raw).decode("ascii")
