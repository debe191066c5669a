"""The transaction files of the books — donations, refunds, payouts, fees — one row per
ledger transaction of the period, every amount read from its postings.

Rows are built a batch of transactions at a time (their postings and the donations or
payouts they are about in one query each), so an export of millions of rows holds one
batch in memory, never the whole period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from django.db.models import Q, QuerySet

from solidarity.books.balances import CAMPAIGN_PREFIX, RECEIVED_KINDS, RETURNED_KINDS
from solidarity.books.period import Period
from solidarity.core.money import minor_exponent
from solidarity.disbursements.models import Disbursement
from solidarity.donations.models import Donation
from solidarity.ledger.models import AccountPurpose, Posting, Transaction, TransactionKind

BATCH = 2000
TXN_FIELDS = ("id", "kind", "owner", "ref", "occurred_on", "fx_rate", "fx_source", "reverses_id", "reverses__kind")

DONATION_COLUMNS = [
    "date",
    "transaction",
    "donation",
    "campaign",
    "channel",
    "amount",
    "currency",
    "amount_campaign_currency",
    "campaign_currency",
    "fx_rate",
    "fx_source",
    "reference",
    "status",
]
REFUND_COLUMNS = [
    "date",
    "transaction",
    "kind",
    "reverses",
    "donation",
    "campaign",
    "amount",
    "currency",
    "amount_campaign_currency",
    "campaign_currency",
    "reference",
]
PAYOUT_COLUMNS = [
    "date",
    "transaction",
    "kind",
    "payout",
    "campaign",
    "need_category",
    "payee_category",
    "amount",
    "currency",
    "recorded_by",
    "approved_by",
    "status",
    # A payout in another currency: what the payee received (the FX posting in that currency), the rate, its source.
    "paid_amount",
    "paid_currency",
    "fx_rate",
    "fx_source",
]
FEE_COLUMNS = ["date", "transaction", "kind", "campaign", "donation", "amount", "currency"]


@cache
def _exponent(currency: str) -> int:
    return minor_exponent(currency)


def decimal(minor: int, currency: str) -> str:
    """Minor units as a decimal string with the currency's minor digits ("25.00", "161"),
    as Money.from_minor writes them; the currency's digits are looked up once per export run."""
    return str(Decimal(minor).scaleb(-_exponent(currency)))


def _ref_id(ref: str, prefix: str) -> int | None:
    head, _, tail = ref.partition(":")
    return int(tail) if head == prefix and tail.isdigit() else None


@dataclass
class Booked:
    """One transaction's postings, summed by (purpose, currency), debit positive."""

    txn: dict[str, Any]
    sums: dict[tuple[str, str], int]

    def on(self, purpose: str) -> tuple[int, str]:
        """The sum on accounts of one purpose and its currency (the first, if several)."""
        for (p, currency), total in self.sums.items():
            if p == purpose:
                return total, currency
        return 0, ""

    def donor_side(self, fund_currency: str) -> tuple[int, str]:
        """The amount on the donor's side of a conversion: the FX posting in the other currency,
        which has the fund posting's sign; without a conversion, the fund posting itself."""
        for (p, currency), total in self.sums.items():
            if p == AccountPurpose.FX and currency != fund_currency:
                return total, currency
        return self.on(AccountPurpose.CAMPAIGN_FUND)


def _batches(transactions: QuerySet[Transaction]) -> Iterator[list[Booked]]:
    """The transactions, in booking order, a batch at a time with their postings."""
    batch: list[dict[str, Any]] = []

    def booked(rows: list[dict[str, Any]]) -> list[Booked]:
        sums: dict[int, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
        postings = Posting.objects.filter(transaction_id__in=[t["id"] for t in rows]).values_list(
            "transaction_id", "account__purpose", "currency", "amount_minor"
        )
        for txn_id, purpose, currency, amount in postings:
            sums[txn_id][(purpose, currency)] += amount
        return [Booked(txn=t, sums=dict(sums[t["id"]])) for t in rows]

    for txn in transactions.values(*TXN_FIELDS).order_by("occurred_on", "id").iterator(chunk_size=BATCH):
        batch.append(txn)
        if len(batch) == BATCH:
            yield booked(batch)
            batch = []
    if batch:
        yield booked(batch)


def _in_period(period: Period, condition: Q) -> QuerySet[Transaction]:
    return Transaction.objects.filter(
        condition, occurred_on__gte=period.start, occurred_on__lte=period.end, owner__startswith=CAMPAIGN_PREFIX
    )


def donation_transactions(period: Period) -> QuerySet[Transaction]:
    return _in_period(period, Q(kind__in=RECEIVED_KINDS))


def refund_transactions(period: Period) -> QuerySet[Transaction]:
    """Refunds and chargebacks, reversals of donations, and reversals of those refunds."""
    reversed_kinds = [*RECEIVED_KINDS, *RETURNED_KINDS]
    return _in_period(
        period, Q(kind__in=RETURNED_KINDS) | Q(kind=TransactionKind.REVERSAL, reverses__kind__in=reversed_kinds)
    )


def payout_transactions(period: Period) -> QuerySet[Transaction]:
    return _in_period(
        period,
        Q(kind=TransactionKind.DISBURSEMENT)
        | Q(kind=TransactionKind.REVERSAL, reverses__kind=TransactionKind.DISBURSEMENT),
    )


def fee_transactions(period: Period) -> QuerySet[Transaction]:
    """Every transaction of the period with a posting on a fee account (any owner)."""
    with_fees = Posting.objects.filter(account__purpose=AccountPurpose.FEES).values("transaction_id")
    return Transaction.objects.filter(id__in=with_fees, occurred_on__gte=period.start, occurred_on__lte=period.end)


def _donations(batch: list[Booked]) -> dict[int, dict[str, Any]]:
    ids = [i for b in batch if (i := _ref_id(b.txn["ref"], "donation")) is not None]
    rows = Donation.objects.filter(pk__in=ids).values("pk", "channel", "bank_reference", "status")
    return {r["pk"]: dict(r) for r in rows}


@dataclass(frozen=True)
class _DonationMoney:
    """A transaction about a donation: the donation, and its amount on both sides."""

    donation_id: int | None
    columns: tuple[str, str, str, str]  # amount, currency, amount in campaign currency, campaign currency

    @classmethod
    def of(cls, booked: Booked, *, sign: int) -> _DonationMoney:
        """`sign` −1 shows a credit to the fund (money received) as positive, +1 a debit."""
        fund, fund_currency = booked.on(AccountPurpose.CAMPAIGN_FUND)
        donor, donor_currency = booked.donor_side(fund_currency)
        columns = (
            decimal(sign * donor, donor_currency),
            donor_currency,
            decimal(sign * fund, fund_currency),
            fund_currency,
        )
        return cls(_ref_id(booked.txn["ref"], "donation"), columns)


def donation_rows(period: Period, slugs: dict[str, str]) -> Iterator[list[str]]:
    """donations.csv: money received for campaigns in the period, one row per transaction."""
    for batch in _batches(donation_transactions(period)):
        donations = _donations(batch)
        for b in batch:
            t, money = b.txn, _DonationMoney.of(b, sign=-1)
            donation = donations.get(money.donation_id or 0, {})
            yield [
                t["occurred_on"].isoformat(),
                str(t["id"]),
                str(money.donation_id or ""),
                slugs.get(t["owner"], t["owner"]),
                donation.get("channel", ""),
                *money.columns,
                t["fx_rate"],
                t["fx_source"],
                donation.get("bank_reference") or "",
                donation.get("status", ""),
            ]


def refund_rows(period: Period, slugs: dict[str, str]) -> Iterator[list[str]]:
    """refunds.csv: money returned from campaign funds; a reversal of a refund is negative."""
    for batch in _batches(refund_transactions(period)):
        donations = _donations(batch)
        for b in batch:
            t, money = b.txn, _DonationMoney.of(b, sign=1)
            reverses = f"{t['reverses_id']} ({t['reverses__kind']})" if t["reverses_id"] else ""
            yield [
                t["occurred_on"].isoformat(),
                str(t["id"]),
                t["kind"],
                reverses,
                str(money.donation_id or ""),
                slugs.get(t["owner"], t["owner"]),
                *money.columns,
                donations.get(money.donation_id or 0, {}).get("bank_reference") or "",
            ]


def payout_rows(period: Period, slugs: dict[str, str]) -> Iterator[list[str]]:
    """payouts.csv: payouts from campaign funds (a reversal of a payout is negative), with
    the need's category and who recorded and who approved it."""
    for batch in _batches(payout_transactions(period)):
        ids = [i for b in batch if (i := _ref_id(b.txn["ref"], "disbursement")) is not None]
        payouts: dict[int, dict[str, Any]] = {
            r["pk"]: dict(r)
            for r in Disbursement.objects.filter(pk__in=ids).values(
                "pk", "need__category", "payee_category", "created_by__username", "approved_by__username", "status"
            )
        }
        for b in batch:
            t = b.txn
            fund, fund_currency = b.on(AccountPurpose.CAMPAIGN_FUND)
            payout_id = _ref_id(t["ref"], "disbursement")
            payout = payouts.get(payout_id or 0, {})
            paid, paid_currency = b.donor_side(fund_currency)
            converted = paid_currency != fund_currency
            yield [
                t["occurred_on"].isoformat(),
                str(t["id"]),
                t["kind"],
                str(payout_id or ""),
                slugs.get(t["owner"], t["owner"]),
                payout.get("need__category") or "",
                payout.get("payee_category") or "",
                decimal(fund, fund_currency),
                fund_currency,
                payout.get("created_by__username") or "",
                payout.get("approved_by__username") or "",
                payout.get("status") or "",
                decimal(paid, paid_currency) if converted else "",
                paid_currency if converted else "",
                t["fx_rate"] if converted else "",
                t["fx_source"] if converted else "",
            ]


def fee_rows(period: Period, slugs: dict[str, str]) -> Iterator[list[str]]:
    """fees.csv: processor fees, one row per transaction and currency (a reversed fee is negative)."""
    for batch in _batches(fee_transactions(period)):
        for b in batch:
            t = b.txn
            for (purpose, currency), total in sorted(b.sums.items()):
                if purpose != AccountPurpose.FEES or not total:
                    continue
                yield [
                    t["occurred_on"].isoformat(),
                    str(t["id"]),
                    t["kind"],
                    slugs.get(t["owner"], t["owner"]) if t["owner"] else "",
                    str(_ref_id(t["ref"], "donation") or ""),
                    decimal(total, currency),
                    currency,
                ]


RowSource = Callable[[Period, dict[str, str]], Iterator[list[str]]]
