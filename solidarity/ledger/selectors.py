"""Reads derived from the ledger: balances of accounts, by owner."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, Sum

from solidarity.core.keyset import keyset_pages
from solidarity.core.money import Money
from solidarity.ledger.models import Account, AccountPurpose, Posting, Transaction, TransactionKind, VerificationRun

# Transactions that bring money into an owner's account (or take it back out again, negatively).
INFLOW_KINDS = [TransactionKind.DONATION, TransactionKind.REFUND, TransactionKind.CHARGEBACK, TransactionKind.FX]
INFLOW = Q(transaction__kind__in=INFLOW_KINDS) | Q(
    transaction__kind=TransactionKind.REVERSAL, transaction__reverses__kind__in=INFLOW_KINDS
)
# A donation counts until it is reversed (a refund or chargeback does not uncount it).
COUNTED_DONATION = Q(transaction__kind=TransactionKind.DONATION, transaction__reversed_by__isnull=True)


@dataclass(frozen=True)
class OwnerSummary:
    """One owner's account of one purpose, in minor units of its currency."""

    owner: str
    currency: str
    balance: int  # credit balance (what the account holds for its owner)
    inflow: int  # credited by inflow kinds, less what was returned or reversed
    counted: int  # donation transactions not reversed
    moved: int = 0  # surplus moved in (positive) or out (negative) by a campaign's surplus rule


def account_balance(account: Account) -> Money:
    """Sum of the account's postings (debit positive)."""
    total = Posting.objects.filter(account=account).aggregate(s=Sum("amount_minor"))["s"] or 0
    return Money.from_minor(int(total), account.currency)


def summaries_by_owner(*, owners: Iterable[str], purpose: str) -> dict[tuple[str, str], OwnerSummary]:
    """Balance, inflow and donation count of the owners' accounts of one purpose, in one query.

    Keyed by (owner, currency). Donations are counted on the postings that are summed:
    every donation's transaction credits its owner's account once, however it was booked
    (FX included), so one pass over an owner's postings gives all three figures — which is
    what a list of campaigns costs (bench/scale.py).
    """
    rows = (
        Posting.objects.filter(account__purpose=purpose, account__owner__in=list(owners))
        .values("account__owner", "account__currency")
        .annotate(
            balance=Sum("amount_minor"),
            inflow=Sum("amount_minor", filter=INFLOW),
            donations=Count("transaction_id", distinct=True, filter=COUNTED_DONATION),
            moved=Sum("amount_minor", filter=Q(transaction__kind=TransactionKind.SURPLUS)),
        )
    )
    return {
        (r["account__owner"], r["account__currency"]): OwnerSummary(
            owner=r["account__owner"],
            currency=r["account__currency"],
            balance=-int(r["balance"] or 0),
            inflow=-int(r["inflow"] or 0),
            counted=int(r["donations"] or 0),
            moved=-int(r["moved"] or 0),
        )
        for r in rows
    }


def posted_sum(*, ref: str, purpose: str, kinds: Iterable[str] | None = None, currency: str | None = None) -> int:
    """Signed sum (debit positive) of the postings on accounts of `purpose` in transactions about `ref`."""
    postings = Posting.objects.filter(transaction__ref=ref, account__purpose=purpose)
    if kinds is not None:
        postings = postings.filter(transaction__kind__in=list(kinds))
    if currency is not None:
        postings = postings.filter(currency=currency)
    return int(postings.aggregate(s=Sum("amount_minor"))["s"] or 0)


def collected_by_currency() -> list[Money]:
    """Everything collected for all campaigns, one Money per currency."""
    rows = (
        Posting.objects.filter(INFLOW, account__purpose=AccountPurpose.CAMPAIGN_FUND)
        .values("currency")
        .annotate(total=Sum("amount_minor"))
        .order_by("currency")
    )
    sums: dict[str, int] = defaultdict(int)
    for r in rows:
        sums[r["currency"]] += -int(r["total"] or 0)
    return [Money.from_minor(total, cur) for cur, total in sorted(sums.items()) if total]


def donation_count() -> int:
    """Donations in the ledger that have not been reversed."""
    return Transaction.objects.filter(kind=TransactionKind.DONATION, reversed_by__isnull=True).count()


def latest_verification() -> VerificationRun | None:
    """The most recent `verify_ledger` outcome, or None before the first run."""
    return VerificationRun.objects.order_by("-checked_at", "-id").first()


PUBLIC_POSTING_FIELDS = (
    "transaction_id",
    "transaction__occurred_on",
    "transaction__kind",
    "transaction__owner",
    "account__purpose",
    "amount_minor",
    "currency",
    "transaction__reverses_id",
)


def public_postings(*, batch: int = 1000) -> Iterator[tuple[Any, ...]]:
    """Every posting's public columns (PUBLIC_POSTING_FIELDS), in transaction then posting order.

    Read `batch` transactions at a time by their id (keyset pagination), never through a
    database cursor: the ledger CSV streams for as long as the reader's connection takes,
    and a cursor held that long does not survive PgBouncer's transaction pooling. Stops at
    the last transaction that existed when the reading began.
    """
    last_id = Transaction.objects.order_by("-id").values_list("id", flat=True).first()
    if last_id is None:
        return
    transactions = Transaction.objects.filter(id__lte=last_id).values_list("id", flat=True)
    for page in keyset_pages(transactions, key="id", size=batch, key_of=lambda row: row):
        yield from (
            Posting.objects.filter(transaction_id__gte=page[0], transaction_id__lte=page[-1])
            .order_by("transaction_id", "id")
            .values_list(*PUBLIC_POSTING_FIELDS)
        )
