"""Public reads of the log for pages and the API: checkpoints, entries and proofs.

Proofs are only given against signed checkpoints, so a reader can check them with the
published key. The leaf hashes behind them are kept in one process-wide `MerkleTree`
(memoised complete subtrees): each request reads only the entries sealed since the
last one, and the tree is re-checked against the signed root before every answer, so
a stale or tampered cache is rebuilt or refused, never served.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Max

from solidarity.core.errors import DomainError
from solidarity.core.keyset import keyset_rows
from solidarity.ledger.models import Transaction
from solidarity.publiclog.merkle import MerkleTree, verify_consistency, verify_inclusion
from solidarity.publiclog.models import Checkpoint, LogEntry
from solidarity.publiclog.sealing import LogIntegrityError

MAX_PAGE = 1000


class ProofUnavailable(DomainError):
    code = "proof_unavailable"


@dataclass(frozen=True)
class InclusionProof:
    """RFC 9162 inclusion proof of one entry in the tree of a signed checkpoint (hex hashes)."""

    index: int
    tree_size: int
    entry: str
    leaf_hash: str
    path: list[str]
    root_hash: str
    checkpoint: str  # the signed note

    def verify(self) -> bool:
        path = [bytes.fromhex(h) for h in self.path]
        leaf, root = bytes.fromhex(self.leaf_hash), bytes.fromhex(self.root_hash)
        return verify_inclusion(self.index, self.tree_size, leaf, path, root)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ConsistencyProof:
    """RFC 9162 proof that the tree of `second_size` extends the tree of `first_size`."""

    first_size: int
    second_size: int
    first_root: str
    second_root: str
    path: list[str]
    checkpoint: str  # the signed note of the second tree

    def verify(self) -> bool:
        path = [bytes.fromhex(h) for h in self.path]
        first, second = bytes.fromhex(self.first_root), bytes.fromhex(self.second_root)
        return verify_consistency(self.first_size, self.second_size, first, second, path)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _TreeCache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.tree = MerkleTree()

    def _extend(self, size: int) -> None:
        rows = LogEntry.objects.filter(index__gte=len(self.tree), index__lt=size).values_list("index", "leaf_hash")
        for index, leaf in keyset_rows(rows, key="index", size=5000, key_of=lambda row: row[0]):
            if index != len(self.tree):
                raise LogIntegrityError(f"log entry #{len(self.tree)} is missing")
            self.tree.append(bytes.fromhex(leaf))
        if len(self.tree) < size:
            raise LogIntegrityError(f"log entry #{len(self.tree)} is missing")

    def tree_for(self, checkpoint: Checkpoint) -> MerkleTree:
        """The cached tree, grown to and checked against `checkpoint` (call with the lock held)."""
        size = checkpoint.tree_size
        for _attempt in range(2):
            try:
                if len(self.tree) < size:
                    self._extend(size)
                if self.tree.root(size).hex() == checkpoint.root_hash:
                    return self.tree
            except (LogIntegrityError, ValueError):
                pass
            self.tree = MerkleTree()  # stale (another database) or damaged: rebuild once
        raise LogIntegrityError(f"the stored log does not match {checkpoint}; run verify_ledger")


_cache = _TreeCache()


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-tree_size").first()


def oldest_unsealed_at() -> dt.datetime | None:
    """When the oldest ledger transaction after the last sealed one was written, or None.

    Sealing appends in transaction id order, so this reads two indexed rows instead of
    looking for every transaction without an entry (a monitor asks every few seconds).
    """
    last_sealed = LogEntry.objects.aggregate(last=Max("transaction_id"))["last"] or 0
    return Transaction.objects.filter(id__gt=last_sealed).order_by("id").values_list("created_at", flat=True).first()


def checkpoint_for_size(tree_size: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(tree_size=tree_size).first()


def entry_by_index(index: int) -> LogEntry | None:
    return LogEntry.objects.filter(index=index).first()


def entries_page(*, start: int = 0, limit: int = 100) -> list[LogEntry]:
    """Entries from index `start` on, at most `limit` (capped at MAX_PAGE), in log order."""
    limit = max(0, min(limit, MAX_PAGE))
    return list(LogEntry.objects.filter(index__gte=max(start, 0)).order_by("index")[:limit])


def _signed_tree(tree_size: int | None) -> Checkpoint:
    checkpoint = latest_checkpoint() if tree_size is None else checkpoint_for_size(tree_size)
    if checkpoint is None:
        detail = "the log has no checkpoint yet" if tree_size is None else f"no checkpoint has tree size {tree_size}"
        raise ProofUnavailable(detail)
    return checkpoint


def inclusion_proof(index: int, *, tree_size: int | None = None) -> InclusionProof:
    """Proof that entry `index` is in the checkpoint of `tree_size` (default: the latest)."""
    checkpoint = _signed_tree(tree_size)
    entry = entry_by_index(index)
    if entry is None or index >= checkpoint.tree_size:
        raise ProofUnavailable(f"entry #{index} is not in the tree of size {checkpoint.tree_size}")
    with _cache.lock:
        path = _cache.tree_for(checkpoint).inclusion_proof(index, checkpoint.tree_size)
    return InclusionProof(
        index=index,
        tree_size=checkpoint.tree_size,
        entry=entry.entry,
        leaf_hash=entry.leaf_hash,
        path=[h.hex() for h in path],
        root_hash=checkpoint.root_hash,
        checkpoint=checkpoint.note,
    )


def inclusion_proof_for_transaction(transaction_id: int, *, tree_size: int | None = None) -> InclusionProof:
    index = LogEntry.objects.filter(transaction_id=transaction_id).values_list("index", flat=True).first()
    if index is None:
        raise ProofUnavailable(f"transaction #{transaction_id} is not sealed into the log yet")
    return inclusion_proof(index, tree_size=tree_size)


def consistency_proof(first_size: int, second_size: int | None = None) -> ConsistencyProof:
    """Proof that the checkpoint of `second_size` (default: latest) extends the tree of `first_size`."""
    checkpoint = _signed_tree(second_size)
    if not 0 <= first_size <= checkpoint.tree_size:
        raise ProofUnavailable(f"tree size {first_size} is not within 0..{checkpoint.tree_size}")
    with _cache.lock:
        tree = _cache.tree_for(checkpoint)
        path = tree.consistency_proof(first_size, checkpoint.tree_size)
        first_root = tree.root(first_size)
    return ConsistencyProof(
        first_size=first_size,
        second_size=checkpoint.tree_size,
        first_root=first_root.hex(),
        second_root=checkpoint.root_hash,
        path=[h.hex() for h in path],
        checkpoint=checkpoint.note,
    )
