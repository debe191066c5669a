"""Verifies a downloaded public log bundle with no database and no Django settings.

    python -m solidarity.publiclog.verify_bundle DIR [--public-key FILE] [--previous OLD_DIR]

Only this module, `log_format` and `merkle` (and the `cryptography` package) are needed,
so anyone can check the foundation's books from a copy of the bundle:
  1. every checkpoint's signed note verifies with the public key (the bundled
     public_key.pem, or a key obtained elsewhere and pinned with --public-key);
  2. every entry is canonical JSON, says its own index, and its leaf hash is
     SHA-256(0x00 || entry);
  3. the root recomputed from the entries equals every checkpoint's signed root (which
     alone proves every entry's inclusion), and each entry's RFC 9162 inclusion proof
     verifies against the latest checkpoint, as a donor holding one entry would check;
  4. each checkpoint is consistent with the one before it (an RFC 9162 consistency proof,
     as a client that kept only the older checkpoint would check).
It prints "bundle OK: …" and exits 0, or prints each problem, first bad index or
checkpoint first, and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from solidarity.publiclog.formats import (
    BUNDLE_FORMAT,
    CheckpointBody,
    FormatError,
    load_public_key_pem,
    open_checkpoint,
    parse_entry,
    raw_public_key,
)
from solidarity.publiclog.merkle import MerkleTree, leaf_hash, verify_consistency, verify_inclusion


@dataclass
class BundleReport:
    entries: int = 0
    checkpoints: int = 0
    tree_size: int = 0
    root_hash: str = ""
    problems: list[str] = field(default_factory=list)
    # Indices of entries whose stated leaf hash does not match their bytes.
    bad_entries: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class _Unreadable(Exception):
    """A bundle file is missing or malformed: nothing after it can be judged."""


def _read_key(directory: Path, pinned_pem: bytes | None, report: BundleReport) -> Any:
    try:
        bundled = load_public_key_pem((directory / "public_key.pem").read_bytes())
    except (OSError, FormatError) as exc:
        if pinned_pem is None:
            raise _Unreadable(f"public_key.pem: {exc}") from exc
        bundled = None
    if pinned_pem is None:
        return bundled
    try:
        pinned = load_public_key_pem(pinned_pem)
    except FormatError as exc:
        raise _Unreadable(f"pinned public key: {exc}") from exc
    if bundled is None or raw_public_key(bundled) != raw_public_key(pinned):
        report.problems.append("public_key.pem is not the pinned public key: checking against the pinned key")
    return pinned


def _read_checkpoints(directory: Path, key: Any, report: BundleReport) -> list[CheckpointBody]:
    """The checkpoints whose signature and fields hold, in order; the others become problems."""
    try:
        document = json.loads((directory / "checkpoints.json").read_text(encoding="utf-8"))
        listed = document["checkpoints"]
        if document.get("format") != BUNDLE_FORMAT or not isinstance(listed, list):
            raise ValueError(f"not a {BUNDLE_FORMAT} bundle")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _Unreadable(f"checkpoints.json: {exc}") from exc
    good: list[CheckpointBody] = []
    origin = None
    for item in listed:
        name = f"checkpoint at tree size {item.get('tree_size') if isinstance(item, dict) else '?'}"
        try:
            body = open_checkpoint(str(item["note"]), key)
        except (FormatError, KeyError, TypeError) as exc:
            report.problems.append(f"{name}: {exc}")
            continue
        if body.tree_size != item.get("tree_size") or body.root_hash.hex() != item.get("root_hash"):
            report.problems.append(f"{name}: tree size or root hash differs from its signed note")
        elif good and body.tree_size <= good[-1].tree_size:
            report.problems.append(f"{name}: does not grow the log past tree size {good[-1].tree_size}")
        elif origin is not None and body.origin != origin:
            report.problems.append(f"{name}: signed for log {body.origin!r}, not {origin!r}")
        else:
            origin = body.origin
            good.append(body)
    report.checkpoints = len(listed)
    if not listed:
        report.problems.append("the bundle holds no checkpoint: nothing is signed")
    return good


def _read_entries(directory: Path, report: BundleReport) -> MerkleTree:
    """Leaf hashes recomputed from the entries' bytes, up to the first missing entry."""
    tree = MerkleTree()
    try:
        lines = (directory / "entries.jsonl").open("rb")
    except OSError as exc:
        raise _Unreadable(f"entries.jsonl: {exc}") from exc
    with lines:
        for position, line in enumerate(lines):
            try:
                row = json.loads(line)
                index, entry, stated = row["index"], row["entry"].encode("ascii"), row["leaf_hash"]
            except (ValueError, KeyError, TypeError, AttributeError, UnicodeEncodeError):
                report.problems.append(f"entry #{position}: line {position + 1} is not a readable entry")
                return tree
            if index != position:
                report.problems.append(f"entry #{position}: missing (line {position + 1} holds entry #{index})")
                return tree
            try:
                if parse_entry(entry).get("index") != position:
                    report.problems.append(f"entry #{position}: its bytes name another index")
            except FormatError as exc:
                report.problems.append(f"entry #{position}: {exc}")
            computed = leaf_hash(entry)
            if computed.hex() != stated:
                report.problems.append(f"entry #{position}: leaf hash does not match its bytes")
                report.bad_entries.append(position)
            tree.append(computed)
    return tree


def verify_bundle(
    directory: Path | str, *, pinned_key_pem: bytes | None = None, previous: Path | str | None = None
) -> BundleReport:
    """Check a bundle directory; the report lists problems in order, first bad item first.

    With `previous` (an older bundle of the same log, kept by the reader), also check that
    this bundle extends it: every old checkpoint's root must be the root of the same
    prefix here. That comparison is what catches a log rewritten and re-signed since.
    """
    directory = Path(directory)
    report = BundleReport()
    try:
        key = _read_key(directory, pinned_key_pem, report)
        checkpoints = _read_checkpoints(directory, key, report)
        tree = _read_entries(directory, report)
    except _Unreadable as exc:
        report.problems.append(str(exc))
        return report
    try:
        kept = _read_checkpoints(Path(previous), key, BundleReport()) if previous is not None else []
    except _Unreadable as exc:
        report.problems.append(f"previous bundle: {exc}")
        return report
    try:
        old_tree = _read_entries(Path(previous), BundleReport()) if previous is not None else None
    except _Unreadable:
        old_tree = None  # a reader may keep only the checkpoints of an older bundle
    _check_extends(tree, kept, report, old_tree)
    report.entries = len(tree)
    latest = checkpoints[-1].tree_size if checkpoints else 0
    if len(tree) < latest:
        report.problems.append(f"entry #{len(tree)}: missing (checkpoint at tree size {latest} covers it)")
    elif len(tree) > latest:
        report.problems.append(f"entries #{latest}–#{len(tree) - 1} are not covered by any valid checkpoint")
    last_good = _check_roots(tree, checkpoints, report)
    if last_good is not None:
        _check_inclusion(tree, last_good, report)
    return report


def _check_extends(
    tree: MerkleTree, kept: list[CheckpointBody], report: BundleReport, old_tree: MerkleTree | None
) -> None:
    for body in kept:
        name = f"previous checkpoint at tree size {body.tree_size}"
        if body.tree_size > len(tree):
            report.problems.append(f"{name}: beyond this bundle's log")
            return
        if tree.root(body.tree_size) != body.root_hash:
            changed = _first_difference(tree, old_tree, body) if old_tree is not None else None
            if changed is not None:
                report.problems.append(f"{name}: this bundle rewrote entry #{changed}")
            else:
                report.problems.append(f"{name}: this bundle rewrote an entry before #{body.tree_size}")
            return


def _first_difference(tree: MerkleTree, old_tree: MerkleTree, body: CheckpointBody) -> int | None:
    """The first entry that differs from the older bundle, if that bundle's own entries hold."""
    if len(old_tree) < body.tree_size or old_tree.root(body.tree_size) != body.root_hash:
        return None
    return next((i for i in range(body.tree_size) if tree.leaf(i) != old_tree.leaf(i)), None)


def _check_roots(tree: MerkleTree, checkpoints: list[CheckpointBody], report: BundleReport) -> CheckpointBody | None:
    """Each checkpoint's root from the entries, and its consistency with the one before; the last good one."""
    prior: CheckpointBody | None = None
    for body in checkpoints:
        if body.tree_size > len(tree):
            break
        first = prior.tree_size if prior else 0
        if tree.root(body.tree_size) != body.root_hash:
            # The checkpoint before matched: the rewritten entry comes after it.
            bad = [i for i in report.bad_entries if first <= i < body.tree_size]
            if bad:
                report.problems.append(
                    f"checkpoint at tree size {body.tree_size}: root hash does not match; the first bad entry is #{bad[0]}"
                )
            else:
                report.problems.append(
                    f"checkpoint at tree size {body.tree_size}: its signed root hash does not match the entries, "
                    "though every entry matches its leaf hash (a forged checkpoint, or entries rewritten with "
                    "their hashes: check against an older bundle with --previous)"
                )
            break
        if prior is not None:
            proof = tree.consistency_proof(prior.tree_size, body.tree_size)
            if not verify_consistency(prior.tree_size, body.tree_size, prior.root_hash, body.root_hash, proof):
                report.problems.append(
                    f"checkpoint at tree size {body.tree_size}: not consistent with tree size {prior.tree_size}"
                )
                break
        prior = body
        report.tree_size, report.root_hash = body.tree_size, body.root_hash.hex()
    return prior


def _check_inclusion(tree: MerkleTree, checkpoint: CheckpointBody, report: BundleReport) -> None:
    """Each entry's RFC 9162 inclusion proof in the latest good checkpoint, as a donor would check it.

    Implied by the root matching, so this cross-checks the proof code that the public
    relies on; memoised subtrees keep it O(n log n) hashes.
    """
    size, root = checkpoint.tree_size, checkpoint.root_hash
    for index in range(size):
        if not verify_inclusion(index, size, tree.leaf(index), tree.inclusion_proof(index, size), root):
            report.problems.append(f"entry #{index}: its inclusion proof in tree size {size} does not verify")
            return


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m solidarity.publiclog.verify_bundle",
        description="Verify a Solidarity public log bundle offline.",
    )
    parser.add_argument("directory", type=Path, help="the bundle directory (from manage.py export_log)")
    parser.add_argument("--previous", type=Path, help="an older bundle of the same log that this one must extend")
    parser.add_argument(
        "--public-key", type=Path, help="PEM public key obtained elsewhere, to pin instead of trusting the bundled one"
    )
    args = parser.parse_args(argv)
    pinned = args.public_key.read_bytes() if args.public_key else None
    report = verify_bundle(args.directory, pinned_key_pem=pinned, previous=args.previous)
    if not report.ok:
        for problem in report.problems:
            print(problem, file=sys.stderr)
        print(f"bundle verification failed: {len(report.problems)} problem(s)", file=sys.stderr)
        return 1
    print(
        f"bundle OK: {report.entries} entries, {report.checkpoints} checkpoints, "
        f"tree size {report.tree_size}, root {report.root_hash}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
