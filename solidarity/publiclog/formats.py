"""Byte formats of the public log: canonical entries and signed checkpoint notes.

Pure Python (no Django), shared by the sealer and by the stand-alone verifier, so both
sides build and read exactly the same bytes. docs/public-log.md is the specification.

An entry is canonical JSON: an object with sorted keys, no whitespace, ASCII only
(anything else `\\u`-escaped), integers and strings only (no floats). Version 2, which
the sealer writes, names the ledger's opaque account owners, e.g.
  {"day":"2026-12-06","fx_rate":"","fx_source":"","index":31,"kind":"donation","owner":"campaign:3",
   "postings":[["","cash","EUR",2500],["campaign:3","campaign_fund","EUR",-2500]],"reverses":null,
   "txn":48,"v":2}
Version 1 (entries sealed before December 2026) named the campaign by id instead:
  {"campaign":3,"day":"2026-11-25","fx_rate":"","fx_source":"","index":0,"kind":"donation",
   "postings":[["campaign_fund","EUR",-2500],["cash","EUR",2500]],"reverses":null,"txn":17,"v":1}
Both stay verifiable for ever: an entry's bytes are what was signed.

A checkpoint is a C2SP signed note (https://c2sp.org/signed-note) whose body is a C2SP
checkpoint (https://c2sp.org/tlog-checkpoint) with one extension line:
  <origin>\\n<tree size>\\n<base64 root hash>\\ntimestamp <unix milliseconds>\\n
followed by a blank line and `— <origin> <base64(key id || Ed25519 signature)>\\n`, where
key id = SHA-256(origin || "\\n" || 0x01 || raw public key)[:4]. The signed message is
exactly the body bytes (UTF-8).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ENTRY_VERSION = 2  # what the sealer writes now
ENTRY_VERSIONS = (1, 2)  # what verifiers read
BUNDLE_FORMAT = "solidarity-public-log/1"
SIGNATURE_PREFIX = "\u2014 "  # an em dash and a space, as in C2SP signed notes
ED25519_ALGORITHM = b"\x01"


class FormatError(ValueError):
    """Bytes that are not a well-formed entry, note or key."""


def _no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise FormatError("canonical entries hold integers, never floats")
    if isinstance(value, dict):
        for v in value.values():
            _no_floats(v)
    elif isinstance(value, list | tuple):
        for v in value:
            _no_floats(v)


def canonical_json(value: Any) -> bytes:
    """The one byte string for a JSON value: sorted keys, no spaces, ASCII, no floats."""
    _no_floats(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode("ascii")


def build_entry(
    *,
    index: int,
    txn: int,
    kind: str,
    owner: str,
    day: str,
    postings: list[tuple[str, str, str, int]],
    reverses: int | None,
    fx_rate: str = "",
    fx_source: str = "",
) -> bytes:
    """The canonical bytes of one version 2 entry: postings are (owner, purpose, currency, minor).

    Owners are the ledger's opaque account owners ("campaign:3", "" for the foundation).
    Postings are sorted so that their storage order does not matter.
    """
    document = {
        "v": ENTRY_VERSION,
        "index": index,
        "txn": txn,
        "kind": kind,
        "owner": owner,
        "day": day,
        "postings": [list(p) for p in sorted(postings)],
        "reverses": reverses,
        "fx_rate": fx_rate,
        "fx_source": fx_source,
    }
    return canonical_json(document)


def build_entry_v1(
    *,
    index: int,
    txn: int,
    kind: str,
    campaign: int | None,
    day: str,
    postings: list[tuple[str, str, int]],
    reverses: int | None,
    fx_rate: str = "",
    fx_source: str = "",
) -> bytes:
    """The canonical bytes of one version 1 entry (sealed before 2026-12): postings are
    (purpose, currency, minor) and the transaction names its campaign by id."""
    document = {
        "v": 1,
        "index": index,
        "txn": txn,
        "kind": kind,
        "campaign": campaign,
        "day": day,
        "postings": [list(p) for p in sorted(postings)],
        "reverses": reverses,
        "fx_rate": fx_rate,
        "fx_source": fx_source,
    }
    return canonical_json(document)


def entry_version(data: bytes | str) -> int:
    """The version an entry declares, or the current one when it declares none readable."""
    try:
        document = json.loads(data)
    except (ValueError, TypeError):
        return ENTRY_VERSION
    version = document.get("v") if isinstance(document, dict) else None
    return version if version in ENTRY_VERSIONS else ENTRY_VERSION


def parse_entry(data: bytes) -> dict[str, Any]:
    """Decode an entry and insist that it is canonical, so equal content means equal bytes."""
    try:
        document = json.loads(data.decode("ascii"), parse_float=_refuse_float)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FormatError(f"not ASCII JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("v") not in ENTRY_VERSIONS:
        raise FormatError(f"not an entry of version {' or '.join(map(str, ENTRY_VERSIONS))}")
    if canonical_json(document) != data:
        raise FormatError("not in canonical form")
    return document


def _refuse_float(text: str) -> float:
    raise FormatError(f"floats are not allowed ({text})")


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise FormatError(f"bad base64: {text[:20]!r}") from exc


def check_origin(origin: str) -> str:
    """C2SP key names (our origin) are non-empty and hold no whitespace and no '+'."""
    if not origin or "+" in origin or any(c.isspace() for c in origin):
        raise FormatError(f"a log origin must be non-empty without spaces or '+': {origin!r}")
    return origin


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(origin: str, key: Ed25519PublicKey) -> bytes:
    """C2SP signed-note key id: the first four bytes of SHA-256(name || LF || 0x01 || key)."""
    return hashlib.sha256(origin.encode() + b"\n" + ED25519_ALGORITHM + raw_public_key(key)).digest()[:4]


def verifier_key(origin: str, key: Ed25519PublicKey) -> str:
    """The C2SP verifier-key string `name+hex(key id)+base64(0x01 || key)` that note tools accept."""
    return f"{origin}+{key_id(origin, key).hex()}+{b64(ED25519_ALGORITHM + raw_public_key(key))}"


def public_key_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public_key_pem(data: bytes) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise FormatError(f"not a PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise FormatError("the public key is not an Ed25519 key")
    return key


@dataclass(frozen=True)
class CheckpointBody:
    origin: str
    tree_size: int
    root_hash: bytes
    timestamp_ms: int

    def text(self) -> str:
        return f"{self.origin}\n{self.tree_size}\n{b64(self.root_hash)}\ntimestamp {self.timestamp_ms}\n"


def sign_checkpoint(body: CheckpointBody, private_key: Ed25519PrivateKey) -> str:
    """The full signed note for a checkpoint body: body, blank line, one signature line."""
    check_origin(body.origin)
    text = body.text()
    signature = private_key.sign(text.encode("utf-8"))
    kid = key_id(body.origin, private_key.public_key())
    return f"{text}\n{SIGNATURE_PREFIX}{body.origin} {b64(kid + signature)}\n"


def parse_checkpoint_body(text: str) -> CheckpointBody:
    lines = text.split("\n")
    if len(lines) != 5 or lines[4] != "" or not lines[3].startswith("timestamp "):
        raise FormatError("a checkpoint body has origin, size, root and timestamp lines")
    origin, size, root, stamp = lines[0], lines[1], lines[2], lines[3].removeprefix("timestamp ")
    if not size.isdigit() or str(int(size)) != size or not stamp.isdigit():
        raise FormatError("tree size and timestamp are decimal integers")
    root_hash = unb64(root)
    if len(root_hash) != 32:
        raise FormatError("the root hash is 32 bytes")
    return CheckpointBody(check_origin(origin), int(size), root_hash, int(stamp))


def open_checkpoint(note: str, public_key: Ed25519PublicKey) -> CheckpointBody:
    """Check a signed checkpoint note with `public_key` and return its body, or raise FormatError."""
    body, sep, signatures = note.partition("\n\n")
    if not sep or not signatures.endswith("\n"):
        raise FormatError("a signed note is a body, a blank line and signature lines")
    parsed = parse_checkpoint_body(body + "\n")
    wanted = key_id(parsed.origin, public_key)
    for line in signatures[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise FormatError("a signature line starts with an em dash")
        name, _, encoded = line.removeprefix(SIGNATURE_PREFIX).partition(" ")
        blob = unb64(encoded)
        if name != parsed.origin or blob[:4] != wanted:
            continue  # someone else's signature (a witness, say): not ours to judge
        try:
            public_key.verify(blob[4:], (body + "\n").encode("utf-8"))
        except InvalidSignature as exc:
            raise FormatError("the signature does not verify with the public key") from exc
        return parsed
    raise FormatError("no signature by this public key")
