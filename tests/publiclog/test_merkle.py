"""RFC 9162 Merkle math: published answers, a naive transcription of the RFC, and properties."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from solidarity.publiclog.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_of,
    verify_consistency,
    verify_inclusion,
)

# The Certificate Transparency reference leaves and tree heads for sizes 1..8.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def naive_mth(data: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1, word for word, on the entries themselves."""
    n = len(data)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + data[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + naive_mth(data[:k]) + naive_mth(data[k:])).digest()


def naive_path(m: int, data: list[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(m, D[n])."""
    n = len(data)
    if n == 1:
        return []
    k = 1
    while k * 2 < n:
        k *= 2
    if m < k:
        return [*naive_path(m, data[:k]), naive_mth(data[k:])]
    return [*naive_path(m - k, data[k:]), naive_mth(data[:k])]


def naive_subproof(m: int, data: list[bytes], whole: bool) -> list[bytes]:
    """RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b)."""
    n = len(data)
    if m == n:
        return [] if whole else [naive_mth(data)]
    k = 1
    while k * 2 < n:
        k *= 2
    if m <= k:
        return [*naive_subproof(m, data[:k], whole), naive_mth(data[k:])]
    return [*naive_subproof(m - k, data[k:], False), naive_mth(data[:k])]


def test_empty_tree_is_the_hash_of_nothing() -> None:
    assert hashlib.sha256(b"").hexdigest() == EMPTY_ROOT.hex()
    assert MerkleTree().root() == EMPTY_ROOT == root_of([]) == CompactRange().root()


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest() != node_hash(b, a)


def test_certificate_transparency_reference_roots_and_proofs() -> None:
    tree = MerkleTree((leaf_hash(d) for d in CT_LEAVES), memo_min=2)
    assert [tree.root(n).hex() for n in range(1, 9)] == CT_ROOTS
    assert [h.hex() for h in tree.inclusion_proof(0, 8)] == [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert [h.hex() for h in tree.inclusion_proof(5, 8)] == [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]
    assert [h.hex() for h in tree.consistency_proof(2, 8)] == [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ]
    assert [h.hex() for h in tree.consistency_proof(6, 8)] == [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ]


def test_small_trees_agree_with_the_rfc_transcription() -> None:
    data = [bytes([i, i * 7 % 256]) for i in range(40)]
    tree = MerkleTree((leaf_hash(d) for d in data), memo_min=4)
    for n in range(1, len(data) + 1):
        assert tree.root(n) == naive_mth(data[:n]) == root_of(tree.leaf(i) for i in range(n))
        for m in range(n):
            assert tree.inclusion_proof(m, n) == naive_path(m, data[:n])
        for m in range(1, n):
            assert tree.consistency_proof(m, n) == naive_subproof(m, data[:n], True)


def test_compact_range_resumes_from_its_frontier() -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(37)]
    compact = CompactRange()
    for i, leaf in enumerate(leaves):
        compact.append(leaf)
        resumed = CompactRange(compact.size, compact.frontier)
        for later in leaves[i + 1 : i + 4]:
            resumed.append(later)
        assert resumed.root() == root_of(leaves[: i + 1 + len(leaves[i + 1 : i + 4])])


tree_data = st.lists(st.binary(max_size=12), min_size=1, max_size=70)


@settings(max_examples=60, deadline=None)
@given(data=tree_data, memo_min=st.sampled_from([2, 4, 16]))
def test_every_inclusion_proof_of_a_grown_log_verifies(data: list[bytes], memo_min: int) -> None:
    tree = MerkleTree(memo_min=memo_min)
    for size, entry in enumerate(data, start=1):
        tree.append(leaf_hash(entry))  # the log grows one entry at a time
        root = tree.root()
        assert root == naive_mth(data[:size])
        for index in range(size):
            proof = tree.inclusion_proof(index)
            assert verify_inclusion(index, size, tree.leaf(index), proof, root)


@settings(max_examples=60, deadline=None)
@given(data=tree_data, picks=st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)))
def test_consistency_proofs_between_random_sizes_verify(data: list[bytes], picks: tuple[int, int]) -> None:
    tree = MerkleTree((leaf_hash(d) for d in data), memo_min=4)
    second = picks[1] % len(data) + 1
    first = picks[0] % (second + 1)
    proof = tree.consistency_proof(first, second)
    assert verify_consistency(first, second, tree.root(first), tree.root(second), proof)


def _flip(h: bytes, bit: int = 0) -> bytes:
    return bytes([h[0] ^ (1 << (bit % 8))]) + h[1:]


@settings(max_examples=60, deadline=None)
@given(data=st.lists(st.binary(max_size=8), min_size=2, max_size=50), pick=st.integers(0, 10**6), bit=st.integers(0, 7))
def test_tampered_inclusion_proofs_and_roots_fail(data: list[bytes], pick: int, bit: int) -> None:
    tree = MerkleTree(leaf_hash(d) for d in data)
    n, index = len(data), pick % len(data)
    proof, root, leaf = tree.inclusion_proof(index), tree.root(), tree.leaf(index)
    assert verify_inclusion(index, n, leaf, proof, root)
    assert not verify_inclusion(index, n, leaf, proof, _flip(root, bit))
    assert not verify_inclusion(index, n, _flip(leaf, bit), proof, root)
    assert not verify_inclusion(index, n, leaf, [*proof[:-1], _flip(proof[-1], bit)], root)
    assert not verify_inclusion(index, n, leaf, proof[:-1], root)
    assert not verify_inclusion(index, n, leaf, [*proof, root], root)
    assert not verify_inclusion(n, n, leaf, proof, root)
    other = (index + 1) % n
    assert tree.leaf(other) == leaf or not verify_inclusion(other, n, leaf, proof, root)


@settings(max_examples=60, deadline=None)
@given(data=st.lists(st.binary(max_size=8), min_size=3, max_size=50), pick=st.integers(0, 10**6), bit=st.integers(0, 7))
def test_tampered_consistency_proofs_and_roots_fail(data: list[bytes], pick: int, bit: int) -> None:
    tree = MerkleTree(leaf_hash(d) for d in data)
    second = len(data)
    first = pick % (second - 1) + 1  # 0 < first < second: a proof is needed
    proof, r1, r2 = tree.consistency_proof(first, second), tree.root(first), tree.root(second)
    assert verify_consistency(first, second, r1, r2, proof)
    assert not verify_consistency(first, second, _flip(r1, bit), r2, proof)
    assert not verify_consistency(first, second, r1, _flip(r2, bit), proof)
    assert not verify_consistency(first, second, r1, r2, [_flip(proof[0], bit), *proof[1:]])
    assert not verify_consistency(first, second, r1, r2, proof[:-1])
    assert not verify_consistency(first, second, r1, r2, [*proof, r1])
    assert not verify_consistency(second, first, r2, r1, proof)


def test_degenerate_consistency_cases() -> None:
    tree = MerkleTree(leaf_hash(bytes([i])) for i in range(5))
    assert verify_consistency(5, 5, tree.root(), tree.root(), [])
    assert not verify_consistency(5, 5, tree.root(), tree.root(4), [])
    assert verify_consistency(0, 5, EMPTY_ROOT, tree.root(), [])
    assert not verify_consistency(0, 5, tree.root(1), tree.root(), [])
    assert not verify_consistency(2, 5, tree.root(2), tree.root(), [])
    assert not verify_inclusion(0, 1, b"short", [], tree.root())
