"""The public ledger log: the latest signed checkpoint, entries, and RFC 9162 proofs.

The same data as /public-log/*.json, documented in the OpenAPI document; see
docs/public-log.md for the formats and how to verify them.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from solidarity.api.errors import with_errors
from solidarity.api.rate_limits import PUBLIC_READS
from solidarity.core.errors import DomainError
from solidarity.publiclog import selectors as log_selectors

router = Router(tags=["public: ledger log"], throttle=[PUBLIC_READS])


class CheckpointOut(Schema):
    tree_size: int
    root_hash: str
    created_at: str
    note: str


class EntryOut(Schema):
    index: int
    entry: str
    leaf_hash: str


class EntriesOut(Schema):
    entries: list[EntryOut]


class InclusionOut(Schema):
    index: int
    tree_size: int
    entry: str
    leaf_hash: str
    path: list[str]
    root_hash: str
    checkpoint: str


class ConsistencyOut(Schema):
    first_size: int
    second_size: int
    first_root: str
    second_root: str
    path: list[str]
    checkpoint: str


class EntriesQuery(Schema):
    start: int = 0
    limit: int = 100


class ConsistencyQuery(Schema):
    first: int
    second: int | None = None


@router.get("/checkpoint", response=with_errors({200: CheckpointOut}, 404, 422, 429), operation_id="latest_checkpoint")
def latest_checkpoint(request: HttpRequest) -> CheckpointOut:
    """The latest signed state of the log (a C2SP signed note over size and root hash)."""
    checkpoint = log_selectors.latest_checkpoint()
    if checkpoint is None:
        raise Http404("Nothing has been sealed yet.")
    return CheckpointOut(
        tree_size=checkpoint.tree_size,
        root_hash=checkpoint.root_hash,
        created_at=checkpoint.created_at.isoformat(),
        note=checkpoint.note,
    )


@router.get("/entries", response=with_errors({200: EntriesOut}, 422, 429), operation_id="log_entries")
def entries(request: HttpRequest, query: Query[EntriesQuery]) -> EntriesOut:
    """Entries from `start` on, at most `limit` (≤ 1000), with their canonical bytes and leaf hashes."""
    rows = log_selectors.entries_page(start=max(0, query.start), limit=max(1, min(query.limit, 1000)))
    return EntriesOut(entries=[EntryOut(index=e.index, entry=e.entry, leaf_hash=e.leaf_hash) for e in rows])


@router.get(
    "/inclusion/{index}", response=with_errors({200: InclusionOut}, 404, 422, 429), operation_id="inclusion_proof"
)
def inclusion(request: HttpRequest, index: int, tree_size: int | None = None) -> InclusionOut:
    """Proof that entry `index` is in the tree of a signed checkpoint (the latest by default)."""
    try:
        proof = log_selectors.inclusion_proof(index, tree_size=tree_size)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return InclusionOut(**proof.as_dict())


@router.get(
    "/consistency", response=with_errors({200: ConsistencyOut}, 404, 422, 429), operation_id="consistency_proof"
)
def consistency(request: HttpRequest, query: Query[ConsistencyQuery]) -> ConsistencyOut:
    """Proof that the tree of `second` (the latest by default) extends the tree of `first`."""
    try:
        proof = log_selectors.consistency_proof(query.first, query.second)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    return ConsistencyOut(**proof.as_dict())
