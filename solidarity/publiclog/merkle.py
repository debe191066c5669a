"""Merkle tree math of RFC 9162 (Certificate Transparency v2), in pure Python.

No Django here on purpose: anyone who downloads the public log verifies it with this
module and `log_format`, without the project's settings or database.

Hashes are raw 32-byte SHA-256 digests:
  leaf hash  = SHA-256(0x00 || entry bytes)
  node hash  = SHA-256(0x01 || left || right)
  empty tree = SHA-256(b"")
and a tree of n > 1 leaves splits at k, the largest power of two smaller than n (§2.1.1).

`MerkleTree` computes roots and proofs from stored leaf hashes (entries are never
re-hashed) and memoises complete power-of-two subtrees, which never change in an
append-only log. `CompactRange` keeps only the O(log n) "frontier" of complete subtrees,
enough to append leaves and compute the root of every prefix in one O(n) pass.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(entry: bytes) -> bytes:
    """RFC 9162 §2.1.1: the hash of one log entry, domain-separated from inner nodes."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: the hash of an inner node from its two children."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly smaller than n (n > 1): where MTH splits a tree."""
    if n < 2:
        raise ValueError("only a tree of two or more leaves splits")
    return 1 << ((n - 1).bit_length() - 1)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


class MerkleTree:
    """Leaf hashes in log order, answering roots and proofs for any prefix of the log.

    Complete subtrees of at least `memo_min` leaves are memoised (the log only grows, so
    they never change); smaller ones are re-hashed from the leaves on demand, which
    bounds the memo to about 2n / memo_min hashes.
    """

    def __init__(self, leaves: Iterable[bytes] = (), *, memo_min: int = 16) -> None:
        self._leaves: list[bytes] = []
        self._memo: dict[tuple[int, int], bytes] = {}
        self._memo_min = max(2, memo_min)
        for leaf in leaves:
            self.append(leaf)

    def __len__(self) -> int:
        return len(self._leaves)

    def append(self, leaf: bytes) -> None:
        if not _is_hash(leaf):
            raise ValueError("a leaf hash is 32 bytes")
        self._leaves.append(leaf)

    def leaf(self, index: int) -> bytes:
        return self._leaves[index]

    def _perfect(self, start: int, size: int) -> bytes:
        """Hash of the complete subtree of `size` (a power of two) leaves from `start`."""
        if size == 1:
            return self._leaves[start]
        if size < self._memo_min:
            level = self._leaves[start : start + size]
            while len(level) > 1:
                level = [node_hash(level[i], level[i + 1]) for i in range(0, len(level), 2)]
            return level[0]
        key = (start, size)
        cached = self._memo.get(key)
        if cached is None:
            half = size // 2
            cached = node_hash(self._perfect(start, half), self._perfect(start + half, half))
            self._memo[key] = cached
        return cached

    def subtree(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a subtree that appears in the RFC's recursion."""
        n = end - start
        if n == 0:
            return EMPTY_ROOT
        if n & (n - 1) == 0:
            return self._perfect(start, n)
        k = split_point(n)
        return node_hash(self._perfect(start, k), self.subtree(start + k, end))

    def _size(self, size: int | None) -> int:
        if size is None:
            return len(self._leaves)
        if not 0 <= size <= len(self._leaves):
            raise ValueError(f"tree size {size} is outside 0..{len(self._leaves)}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """The root hash of the first `size` leaves (default: all of them)."""
        return self.subtree(0, self._size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.3.1 PATH(index, D[size]): sibling hashes from the leaf upwards."""
        n = self._size(size)
        if not 0 <= index < n:
            raise ValueError(f"leaf {index} is not in a tree of size {n}")
        path: list[bytes] = []
        start, end = 0, n
        while end - start > 1:
            k = split_point(end - start)
            if index - start < k:
                path.append(self.subtree(start + k, end))
                end = start + k
            else:
                path.append(self.subtree(start, start + k))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, first: int, second: int | None = None) -> list[bytes]:
        """RFC 9162 §2.1.4.1 PROOF(first, D[second]); empty when first is 0 or second."""
        n = self._size(second)
        if not 0 <= first <= n:
            raise ValueError(f"cannot prove size {first} consistent with size {n}")
        if first in (0, n):
            return []
        path: list[bytes] = []
        start, end, m, whole = 0, n, first, True
        while m != end - start:
            k = split_point(end - start)
            if m <= k:
                path.append(self.subtree(start + k, end))
                end = start + k
            else:
                path.append(self.subtree(start, start + k))
                start += k
                m -= k
                whole = False
        if not whole:
            path.append(self.subtree(start, end))
        path.reverse()
        return path


class CompactRange:
    """The roots of the complete subtrees covering leaves [0, size), largest first.

    Appending costs amortised O(1) hashes and the root O(log n), so a verifier gets the
    root of every checkpoint in one pass over the log; a sealer resumes from a stored
    frontier without reading earlier leaves.
    """

    def __init__(self, size: int = 0, frontier: Sequence[bytes] = ()) -> None:
        if size < 0 or len(frontier) != size.bit_count() or not all(_is_hash(h) for h in frontier):
            raise ValueError("a frontier holds one 32-byte hash per set bit of the tree size")
        self.size = size
        self._hashes = list(frontier)

    @property
    def frontier(self) -> list[bytes]:
        return list(self._hashes)

    def append(self, leaf: bytes) -> None:
        if not _is_hash(leaf):
            raise ValueError("a leaf hash is 32 bytes")
        merges = self.size
        self._hashes.append(leaf)
        self.size += 1
        while merges & 1:
            right = self._hashes.pop()
            left = self._hashes.pop()
            self._hashes.append(node_hash(left, right))
            merges >>= 1

    def root(self) -> bytes:
        if not self._hashes:
            return EMPTY_ROOT
        acc = self._hashes[-1]
        for h in reversed(self._hashes[:-1]):
            acc = node_hash(h, acc)
        return acc


def root_of(leaves: Iterable[bytes]) -> bytes:
    """The root hash of a whole list of leaf hashes, in O(n) hashes and O(log n) memory."""
    compact = CompactRange()
    for leaf in leaves:
        compact.append(leaf)
    return compact.root()


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: does `proof` show leaf hash `leaf` at `index` of the tree `root`?"""
    if not (0 <= index < size and _is_hash(leaf) and _is_hash(root) and all(_is_hash(p) for p in proof)):
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(r, root)


def verify_consistency(first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: is the tree `second_root` of size `second` an extension of `first_root`?"""
    if not (_is_hash(first_root) and _is_hash(second_root) and all(_is_hash(p) for p in proof)):
        return False
    if not 0 <= first <= second:
        return False
    if first == second:
        return not proof and hmac.compare_digest(first_root, second_root)
    if first == 0:
        return not proof and hmac.compare_digest(first_root, EMPTY_ROOT)
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    if not path:
        return False
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and hmac.compare_digest(fr, first_root) and hmac.compare_digest(sr, second_root)
