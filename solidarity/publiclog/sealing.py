"""Sealing: gives ledger transactions their place in the public log and signs checkpoints.

Donations never touch the log: a transaction is written as always and a sealer (the
`seal_log_task` background task, or `manage.py seal_log` from cron) later takes every
transaction not yet in the log, in transaction id order, and appends one entry each.
Sealers serialise on a PostgreSQL advisory lock; the unique index on LogEntry.index and
on LogEntry.transaction is the final guard (a losing sealer rolls back and retries).

A run commits entries in batches and writes the checkpoint last, in its own database
transaction, so a sealer that dies midway leaves whole batches behind and the next run
signs a checkpoint over them: sealing is idempotent and restartable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from solidarity.core.errors import DomainError
from solidarity.ledger.models import Posting, Transaction
from solidarity.publiclog.formats import ENTRY_VERSION, CheckpointBody, build_entry, build_entry_v1, sign_checkpoint
from solidarity.publiclog.keys import LogKey, signing_key
from solidarity.publiclog.merkle import CompactRange, leaf_hash
from solidarity.publiclog.models import Checkpoint, LogEntry

# pg_advisory_xact_lock key shared by every sealer ("PLOG" in ASCII).
ADVISORY_LOCK_KEY = 0x504C4F47
TRANSACTION_FIELDS = ("id", "kind", "owner", "occurred_on", "reverses_id", "fx_rate", "fx_source")
RETRIES = 5
# The entry format new entries are sealed in (older entries keep the version they were sealed in).
SEALED_VERSION = ENTRY_VERSION

PublicPosting = tuple[str, str, str, int]  # owner, purpose, currency, minor units


class LogIntegrityError(DomainError):
    """The stored log contradicts itself; sealing stops rather than sign over it."""

    code = "log_integrity"


@dataclass(frozen=True)
class SealResult:
    sealed: int  # entries this run appended
    tree_size: int  # size of the latest checkpoint after the run
    root_hash: str  # its root hash (hex), "" while the log is empty
    checkpoint: Checkpoint | None  # the checkpoint this run signed, if the log grew
    development_key: bool  # signed with the key derived from SECRET_KEY


def load_public_rows(
    transaction_ids: Iterable[int],
) -> tuple[dict[int, dict[str, Any]], dict[int, list[PublicPosting]]]:
    """The public columns of some transactions and their postings, keyed by transaction id."""
    ids = list(transaction_ids)
    txns = {row["id"]: row for row in Transaction.objects.filter(id__in=ids).values(*TRANSACTION_FIELDS)}
    postings: dict[int, list[PublicPosting]] = defaultdict(list)
    rows = Posting.objects.filter(transaction_id__in=ids).values_list(
        "transaction_id", "account__owner", "account__purpose", "currency", "amount_minor"
    )
    for txn_id, owner, purpose, currency, amount in rows:
        postings[txn_id].append((owner, purpose, currency, amount))
    return txns, postings


def _v1_campaign(owner: str) -> int | None:
    """Version 1 entries named a campaign by id: the number in a "campaign:<id>" owner.

    This is the one place where the log reads an owner, and only to re-derive entries
    sealed before owners existed.
    """
    prefix, _, number = owner.partition(":")
    return int(number) if prefix == "campaign" and number.isdigit() else None


def entry_bytes(
    index: int, txn: Mapping[str, Any], postings: list[PublicPosting], *, version: int = ENTRY_VERSION
) -> bytes:
    """The canonical public entry of a transaction at `index`: no memo, no people, no references.

    `version` re-derives an entry sealed under an older format, for the audit.
    """
    common = {
        "index": index,
        "txn": txn["id"],
        "kind": txn["kind"],
        "day": txn["occurred_on"].isoformat(),
        "reverses": txn["reverses_id"],
        "fx_rate": txn["fx_rate"],
        "fx_source": txn["fx_source"],
    }
    if version == 1:
        return build_entry_v1(
            campaign=_v1_campaign(txn["owner"]),
            postings=[(purpose, currency, amount) for _owner, purpose, currency, amount in postings],
            **common,
        )
    return build_entry(owner=txn["owner"], postings=postings, **common)


def seal_log(*, batch_size: int = 500) -> SealResult:
    """Append every unsealed transaction to the log and sign a checkpoint over the new size."""
    key = signing_key()  # a misconfigured key fails before anything is written
    sealed = 0
    while True:
        appended = _seal_batch(batch_size)
        sealed += appended
        if appended < batch_size:
            break
    checkpoint = write_checkpoint(key)
    latest = checkpoint or Checkpoint.objects.order_by("-tree_size").first()
    return SealResult(
        sealed=sealed,
        tree_size=latest.tree_size if latest else 0,
        root_hash=latest.root_hash if latest else "",
        checkpoint=checkpoint,
        development_key=key.development,
    )


def _lock() -> None:
    """Serialise sealers, and only sealers: donation writes never take this lock."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
    else:
        # Row locks where the database has them; SQLite has a single writer anyway.
        list(LogEntry.objects.select_for_update().order_by("-index").values_list("index", flat=True)[:1])


def _seal_batch(batch_size: int) -> int:
    for attempt in range(RETRIES):
        try:
            with transaction.atomic():
                _lock()
                return _append_entries(batch_size)
        except IntegrityError:
            # Another sealer took these indices or transactions first (no advisory lock
            # on this database): start over from the new end of the log.
            if attempt == RETRIES - 1:
                raise
    return 0


def _append_entries(batch_size: int) -> int:
    last = LogEntry.objects.order_by("-index").values_list("index", flat=True).first()
    next_index = 0 if last is None else last + 1
    ids = list(
        Transaction.objects.filter(log_entry__isnull=True).order_by("id").values_list("id", flat=True)[:batch_size]
    )
    if not ids:
        return 0
    txns, postings = load_public_rows(ids)
    now = timezone.now()
    rows = []
    for offset, txn_id in enumerate(ids):
        data = entry_bytes(next_index + offset, txns[txn_id], postings[txn_id], version=SEALED_VERSION)
        rows.append(
            LogEntry(
                index=next_index + offset,
                transaction_id=txn_id,
                entry=data.decode("ascii"),
                leaf_hash=leaf_hash(data).hex(),
                sealed_at=now,
            )
        )
    LogEntry.objects.bulk_create(rows)
    return len(rows)


def resume_range(checkpoint: Checkpoint | None) -> CompactRange:
    """The tree as of a checkpoint, from its stored frontier, checked against its root."""
    if checkpoint is None:
        return CompactRange()
    try:
        compact = CompactRange(checkpoint.tree_size, [bytes.fromhex(h) for h in checkpoint.frontier])
    except ValueError as exc:
        raise LogIntegrityError(f"{checkpoint}: stored frontier is unreadable; run verify_ledger") from exc
    if compact.root().hex() != checkpoint.root_hash:
        raise LogIntegrityError(f"{checkpoint}: stored frontier does not match its root; run verify_ledger")
    return compact


def write_checkpoint(key: LogKey | None = None) -> Checkpoint | None:
    """Sign a checkpoint over every sealed entry, unless the latest one already covers them all."""
    key = key or signing_key()
    for attempt in range(RETRIES):
        try:
            with transaction.atomic():
                _lock()
                return _sign_checkpoint(key)
        except IntegrityError:
            # Another sealer signed this tree size first (no advisory lock here): look again.
            if attempt == RETRIES - 1:
                raise
    return None


def _sign_checkpoint(key: LogKey) -> Checkpoint | None:
    latest = Checkpoint.objects.order_by("-tree_size").first()
    compact = resume_range(latest)
    if latest is not None and not LogEntry.objects.filter(index=latest.tree_size - 1).exists():
        raise LogIntegrityError(f"entries covered by {latest} are missing; run verify_ledger")
    newer = LogEntry.objects.filter(index__gte=compact.size).order_by("index").values_list("index", "leaf_hash")
    for index, leaf in newer.iterator(chunk_size=2000):
        if index != compact.size:
            raise LogIntegrityError(f"log entry #{compact.size} is missing; run verify_ledger")
        compact.append(bytes.fromhex(leaf))
    if compact.size == 0 or (latest is not None and compact.size == latest.tree_size):
        return None
    now = timezone.now()
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)  # the note carries milliseconds
    root = compact.root()
    body = CheckpointBody(key.origin, compact.size, root, timestamp_ms(now))
    return Checkpoint.objects.create(
        tree_size=compact.size,
        root_hash=root.hex(),
        note=sign_checkpoint(body, key.private_key),
        frontier=[h.hex() for h in compact.frontier],
        created_at=now,
    )


def timestamp_ms(moment: dt.datetime) -> int:
    """Milliseconds since the Unix epoch, exactly (no float rounding)."""
    return (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(milliseconds=1)
