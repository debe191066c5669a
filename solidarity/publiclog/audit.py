"""Recomputes the public log from the ledger's rows: the log part of `verify_ledger`.

Someone with database access can rewrite a posting, delete a transaction or swap two,
and even fix the ledger's own invariants afterwards; they cannot make the rewritten rows
hash to what was sealed and signed. For every sealed entry this re-derives the canonical
bytes from the current transaction and posting rows, compares them with the stored
entry and leaf hash, and recomputes the root of every checkpoint in one O(n) pass,
naming the first bad index. Entries carry their own index, so a reordered log shows up
as entries in the wrong place, not only as a wrong root.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from solidarity.core.keyset import keyset_pages
from solidarity.publiclog.formats import FormatError, entry_version, open_checkpoint
from solidarity.publiclog.keys import LogKey, signing_key
from solidarity.publiclog.merkle import CompactRange, leaf_hash
from solidarity.publiclog.models import Checkpoint, LogEntry
from solidarity.publiclog.sealing import entry_bytes, load_public_rows

CHUNK = 1000


def _entry_chunks() -> Iterator[Sequence[Mapping[str, Any]]]:
    """Entries in index order, a chunk at a time (keyset pagination: no OFFSET scans)."""
    rows = LogEntry.objects.values("index", "transaction_id", "entry", "leaf_hash")
    return keyset_pages(rows, key="index", size=CHUNK)


def _changed(stored: str, fresh: bytes) -> str:
    """Which public fields differ, to point an operator at the rewritten column."""
    try:
        old = json.loads(stored)
    except json.JSONDecodeError:
        return "the stored entry is unreadable"
    new = json.loads(fresh)
    keys = sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))
    return ", ".join(keys) + " changed" if keys else "encoding changed"


def _check_checkpoint(checkpoint: Mapping[str, Any], root: str, first_bad: int | None, key: LogKey) -> list[str]:
    size = checkpoint["tree_size"]
    name = f"checkpoint at tree size {size}"
    problems = []
    try:
        body = open_checkpoint(checkpoint["note"], key.public_key)
    except FormatError as exc:
        problems.append(f"{name}: {exc}")
    else:
        if body.tree_size != size or body.root_hash.hex() != checkpoint["root_hash"]:
            problems.append(f"{name}: the signed note disagrees with the stored tree size or root")
        if body.origin != key.origin:
            problems.append(f"{name}: signed for log {body.origin!r}, not {key.origin!r}")
    if root != checkpoint["root_hash"]:
        # The checkpoint before matched, so the rewritten leaf lies after it: the first entry
        # since then that disagrees with its leaf hash or the ledger is the one.
        if first_bad is not None:
            problems.append(f"{name}: root hash does not match; the first bad entry is log entry #{first_bad}")
        else:
            problems.append(
                f"{name}: its signed root hash does not match the log, though every entry matches its leaf hash "
                "and the ledger (a forged checkpoint, or entries rewritten with their hashes and rows)"
            )
    return problems


def audit_public_log(*, limit: int = 50) -> list[str]:
    """Every disagreement between the log, its checkpoints and the ledger rows, first index first."""
    checkpoints = list(Checkpoint.objects.order_by("tree_size").values("tree_size", "root_hash", "note"))
    key = signing_key() if checkpoints else None
    problems: list[str] = []
    compact = CompactRange()
    expected, broken = 0, False
    first_bad: int | None = None  # the first entry with a problem since the last checkpoint
    for rows in _entry_chunks():
        txns, postings = load_public_rows(row["transaction_id"] for row in rows)
        for row in rows:
            index, txn_id, stored = row["index"], row["transaction_id"], row["entry"]
            before = len(problems)
            if index != expected:
                problems.append(f"log entry #{expected}: missing (the next stored entry is #{index})")
                broken, expected = True, index
            name = f"log entry #{index} (transaction #{txn_id})"
            txn = txns.get(txn_id)
            if txn is None:
                problems.append(f"{name}: the transaction is missing from the ledger")
            else:
                fresh = entry_bytes(index, txn, postings.get(txn_id, []), version=entry_version(stored))
                if fresh != stored.encode("utf-8"):
                    problems.append(
                        f"{name}: the ledger rows no longer match the sealed entry ({_changed(stored, fresh)})"
                    )
            if leaf_hash(stored.encode("utf-8")).hex() != row["leaf_hash"]:
                problems.append(f"{name}: the stored entry does not hash to its stored leaf hash")
            try:
                compact.append(bytes.fromhex(row["leaf_hash"]))
            except ValueError:
                problems.append(f"{name}: the stored leaf hash is not a SHA-256 hash")
                broken = True
            if first_bad is None and len(problems) > before:
                first_bad = index
            expected += 1
            while key and not broken and checkpoints and checkpoints[0]["tree_size"] <= compact.size:
                checkpoint = checkpoints.pop(0)
                if checkpoint["tree_size"] == compact.size:
                    problems.extend(_check_checkpoint(checkpoint, compact.root().hex(), first_bad, key))
                    first_bad = None
            if len(problems) >= limit:
                return problems[:limit]
    beyond = [c for c in checkpoints if c["tree_size"] > expected]
    if beyond:
        problems.append(f"log entry #{expected}: missing (checkpoint at tree size {beyond[-1]['tree_size']} covers it)")
    return problems[:limit]
