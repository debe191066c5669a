"""Writes the public log as a bundle anyone can download and verify offline.

The bundle is a directory: checkpoints.json (every signed checkpoint), entries.jsonl (one
entry a line, with its canonical bytes), public_key.pem and README.txt. It holds exactly
the entries covered by the latest checkpoint; entries sealed after it are left for the
next export, since nothing signed vouches for them yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from solidarity.core.keyset import keyset_rows
from solidarity.publiclog.formats import BUNDLE_FORMAT, canonical_json, public_key_pem, verifier_key
from solidarity.publiclog.keys import signing_key
from solidarity.publiclog.models import Checkpoint, LogEntry

README = """\
Solidarity public log: a tamper-evident record of every ledger transaction
==========================================================================

Log: {origin}
Tree size: {tree_size}
Root hash: {root_hash}
Verifier key (C2SP signed note): {verifier_key}

Files
  checkpoints.json  every checkpoint: tree size, root hash, time and the signed note
  entries.jsonl     one entry a line: {{"entry": <canonical JSON>, "index": n, "leaf_hash": <hex>}}
  public_key.pem    the foundation's Ed25519 public key (compare it with one published elsewhere)

How to verify (Python 3.11+ with the `cryptography` package; no database, no settings):
from the root of a copy of the Solidarity source (the verifier is the three files
solidarity/publiclog/verify_bundle.py, log_format.py and merkle.py):
  python -m solidarity.publiclog.verify_bundle PATH/TO/THIS/DIRECTORY
  python -m solidarity.publiclog.verify_bundle PATH/TO/THIS/DIRECTORY --public-key KEY_FROM_ELSEWHERE.pem
  python -m solidarity.publiclog.verify_bundle PATH/TO/THIS/DIRECTORY --previous AN/OLDER/BUNDLE

It checks every checkpoint's signature, that every entry is canonical and hashes
(RFC 9162: SHA-256(0x00 || entry)) into the root of every checkpoint that covers it,
and that each checkpoint is consistent with the one before (RFC 9162 consistency
proofs). It prints "bundle OK" and exits 0, or names the first bad entry or checkpoint
and exits 1. Keep this bundle, and check the next one with --previous pointing here:
a later bundle must extend it, never rewrite it.

Entries show, per ledger transaction: its id and kind, campaign id, day, the reversed
transaction, the exchange rate, and each posting as (account purpose, currency, signed
amount in minor units). They never show donors: no names, messages, receipt codes or
bank details. See docs/public-log.md in the source for the full format.
"""


@dataclass(frozen=True)
class ExportResult:
    directory: Path
    tree_size: int
    checkpoints: int


def export_bundle(directory: Path | str) -> ExportResult:
    """Write the bundle into `directory` (created if needed; bundle files are overwritten)."""
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    key = signing_key()
    checkpoints = list(Checkpoint.objects.order_by("tree_size"))
    tree_size = checkpoints[-1].tree_size if checkpoints else 0
    document = {
        "format": BUNDLE_FORMAT,
        "origin": key.origin,
        "verifier_key": verifier_key(key.origin, key.public_key),
        "checkpoints": [
            {
                "tree_size": c.tree_size,
                "root_hash": c.root_hash,
                "created_at": c.created_at.isoformat(),
                "note": c.note,
            }
            for c in checkpoints
        ],
    }
    (target / "checkpoints.json").write_bytes(canonical_json(document) + b"\n")
    with (target / "entries.jsonl").open("wb") as out:
        rows = LogEntry.objects.filter(index__lt=tree_size).values("index", "entry", "leaf_hash")
        for row in keyset_rows(rows, key="index", size=5000):  # no cursor: works behind PgBouncer
            out.write(canonical_json(row) + b"\n")
    (target / "public_key.pem").write_bytes(public_key_pem(key.public_key))
    readme = README.format(
        origin=key.origin,
        tree_size=tree_size,
        root_hash=checkpoints[-1].root_hash if checkpoints else "(empty log)",
        verifier_key=document["verifier_key"],
    )
    (target / "README.txt").write_text(readme, encoding="utf-8")
    return ExportResult(directory=target, tree_size=tree_size, checkpoints=len(checkpoints))
