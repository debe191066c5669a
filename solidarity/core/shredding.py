"""Crypto-shredding: personal data encrypted under a per-record data key, erased by
destroying the key.

An UPDATE that blanks a column does not erase it: PostgreSQL keeps the old row version
in the table file until it is overwritten, and in the WAL, which the deployment archives
(SQLite keeps it in freed pages and its -wal file). So personal data the platform must
hold for a while never reaches the database in plain: it is encrypted before the INSERT
under a fresh random key (a `core.DataKey`), and that key is stored only wrapped by the
field keys (`solidarity.core.crypto`, SOLIDARITY_ENCRYPTION_KEYS, kept outside the
database). Erasing deletes the data key; whatever copies of the ciphertext survive are
then noise to anyone holding the field keys and the live database.

Copies of the *wrapped* key survive in old row versions, WAL and backups taken before
the erasure: with those and the field key that wrapped it, the data opens again. Key
rotation closes that window: `rotate_keys` re-wraps every live data key under the newest
field key (cheap: one short token per record, the ciphertext is not touched), and once
the old field key is dropped and destroyed, every older copy of every wrapped key is
useless. docs/security.md says how long the window is and how to keep it short.

A model declares which of its text fields are sealed under which data-key field in
`SHREDDED_FIELDS = {"data_key_field": ("sealed_field", ...)}` (documentation and the
architecture test read it; rotation needs no list, it walks the DataKey table).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from cryptography.fernet import Fernet, InvalidToken
from django.db import connection, transaction

from solidarity.core.crypto import DecryptionFailed, fernet
from solidarity.core.models import DataKey

Progress = Callable[[int, int], None]
BATCH = 500


class Shredded(DecryptionFailed):
    """The data key is gone: the data was erased and cannot be read by anyone."""

    code = "shredded"


def new_wrapped_key() -> str:
    """A fresh random data key, wrapped by the newest field key (for migrations too)."""
    return fernet().encrypt(Fernet.generate_key()).decode()


def cipher_for(wrapped: str) -> Fernet:
    """The data key inside a wrapped key. Raises DecryptionFailed when no field key fits."""
    try:
        return Fernet(fernet().decrypt(wrapped.encode()))
    except InvalidToken as exc:
        raise DecryptionFailed("Cannot unwrap a data key: none of the configured field keys fits.") from exc


def new_data_key() -> DataKey:
    """Create and store a fresh data key (wrapped); seal a record's data under it."""
    return DataKey.objects.create(wrapped=new_wrapped_key())


def _cipher(key: DataKey | None) -> Fernet:
    if key is None or key.pk is None:
        raise Shredded("This data was erased.")
    # Unwrapped on every use (microseconds), never cached: a key lives in memory no longer
    # than the call that needs it, and a changed field key takes effect at once.
    return cipher_for(key.wrapped)


def seal_bytes(key: DataKey, data: bytes) -> str:
    """Encrypt bytes under a data key; the token is ASCII, stored as text."""
    return _cipher(key).encrypt(data).decode()


def seal_text(key: DataKey, plain: str) -> str:
    """Encrypt text under a data key. Empty stays empty."""
    return seal_bytes(key, plain.encode()) if plain else ""


def open_bytes(key: DataKey | None, token: str) -> bytes:
    """Decrypt; raises Shredded when the key was destroyed, DecryptionFailed on a wrong key."""
    cipher = _cipher(key)
    try:
        return cipher.decrypt(token.encode())
    except InvalidToken as exc:
        raise DecryptionFailed("The stored data does not open with its data key: it is damaged.") from exc


def open_text(key: DataKey | None, token: str) -> str:
    """Decrypt text sealed with `seal_text`. Empty stays empty, even when the key is gone."""
    if not token:
        return ""
    return open_bytes(key, token).decode()


def shred(keys: Iterable[DataKey | int | None]) -> int:
    """Destroy data keys (rows are deleted, not blanked); returns how many existed.

    Runs in the caller's transaction, so the erasure commits with the change that asked
    for it. Records that pointed at a key see NULL afterwards.
    """
    ids = {k.pk if isinstance(k, DataKey) else k for k in keys if k is not None}
    ids.discard(None)
    if not ids:
        return 0
    if connection.vendor == "sqlite":
        # Zero the freed bytes in the database file instead of leaving the wrapped keys there.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
    deleted, _by_model = DataKey.objects.filter(pk__in=ids).delete()
    return int(deleted)


def rewrap_all_data_keys(*, progress: Progress | None = None) -> int:
    """Re-wrap every data key under the newest field key (key rotation); returns how many.

    Raises DecryptionFailed when a key was wrapped by a field key no longer configured.
    Batches commit one by one, so an interrupted run can simply be run again.
    """
    ids = list(DataKey.objects.order_by("pk").values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            rows = (
                DataKey.objects.select_for_update()
                .filter(pk__in=ids[start : start + BATCH])
                .values_list("pk", "wrapped")
            )
            for pk, wrapped in rows:
                try:
                    rotated = fernet().rotate(wrapped.encode()).decode()
                except InvalidToken as exc:
                    raise DecryptionFailed(
                        f"Data key #{pk} was wrapped by a field key that is no longer configured."
                    ) from exc
                DataKey.objects.filter(pk=pk).update(wrapped=rotated)
                done += 1
                if progress:
                    progress(done, len(ids))
    return done
