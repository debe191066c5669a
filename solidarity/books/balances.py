"""`balances.csv`: each campaign fund's movement over a period, from ledger postings only.

Every posting on a campaign's fund falls in exactly one column, by the kind of its
transaction (for a reversal, the kind of the transaction it reverses), so that per row

    opening + received − refunded − paid_out − disputed + other = closing

holds exactly (docs/ledger.md, "Books for the accountant"). `fees` are the foundation's
expense: they never touch the fund and stand beside the identity, not in it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, CharField, F, Q, Sum, Value, When

from solidarity.books.period import Period
from solidarity.campaigns.models import Campaign
from solidarity.ledger.models import AccountPurpose, Posting, TransactionKind

CAMPAIGN_PREFIX = "campaign:"
RECEIVED_KINDS = (TransactionKind.DONATION, TransactionKind.FX)
RETURNED_KINDS = (TransactionKind.REFUND, TransactionKind.CHARGEBACK)
# Column of a fund posting, by its transaction's kind or, for a reversal, the reversed one's.
COLUMN_OF_KIND = {
    **{kind: "received" for kind in RECEIVED_KINDS},
    **{kind: "refunded" for kind in RETURNED_KINDS},
    TransactionKind.DISBURSEMENT: "paid_out",
    TransactionKind.DISPUTE: "disputed",
}
# How a debit-positive posting sum turns into the column's figure.
COLUMN_SIGN = {"received": -1, "refunded": 1, "paid_out": 1, "disputed": 1, "other": -1}
COLUMNS = [
    "campaign",
    "currency",
    "opening",
    "received",
    "refunded",
    "paid_out",
    "disputed",
    "other",
    "fees",
    "closing",
]


def column_expression() -> Case:
    """SQL for the balance column a posting belongs to (a reversal of a donation is a refund)."""
    whens = []
    for kind, column in COLUMN_OF_KIND.items():
        whens.append(When(transaction__kind=kind, then=Value(column)))
        if column == "received":
            # Money given back by reversing an inflow is money returned, like a refund.
            column = "refunded"
        whens.append(
            When(transaction__kind=TransactionKind.REVERSAL, transaction__reverses__kind=kind, then=Value(column))
        )
    return Case(*whens, default=Value("other"), output_field=CharField())


@dataclass
class BalanceRow:
    """One campaign's fund (or fees) in one currency over the period, in minor units."""

    slug: str
    currency: str
    opening: int = 0
    # Debit-positive sums of the period's fund postings, by column.
    moves: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fees: int = 0

    @property
    def closing(self) -> int:
        return self.opening - sum(self.moves.values())

    def figure(self, column: str) -> int:
        """The column's figure, positive in its usual direction (money received, refunded…)."""
        return COLUMN_SIGN[column] * self.moves.get(column, 0)


def campaign_slugs() -> dict[str, str]:
    """Ledger owner → campaign slug, for every campaign."""
    return {f"{CAMPAIGN_PREFIX}{pk}": slug for pk, slug in Campaign.objects.values_list("pk", "slug")}


def balance_rows(period: Period) -> list[BalanceRow]:
    """One row per campaign and currency: every campaign in its own currency, plus any other
    currency its fund or its fees were booked in up to the end of the period. Two grouped
    queries over the postings, whatever the number of campaigns."""
    slugs = campaign_slugs()
    rows: dict[tuple[str, str], BalanceRow] = {}
    for pk, slug, currency in Campaign.objects.values_list("pk", "slug", "currency").order_by("slug"):
        rows[(f"{CAMPAIGN_PREFIX}{pk}", currency)] = BalanceRow(slug=slug, currency=currency)

    def row(owner: str, currency: str) -> BalanceRow:
        if (owner, currency) not in rows:
            rows[(owner, currency)] = BalanceRow(slug=slugs.get(owner, owner), currency=currency)
        return rows[(owner, currency)]

    fund = (
        Posting.objects.filter(
            account__purpose=AccountPurpose.CAMPAIGN_FUND,
            account__owner__startswith=CAMPAIGN_PREFIX,
            transaction__occurred_on__lte=period.end,
        )
        .annotate(column=column_expression())
        .values("account__owner", "currency", "column")
        .annotate(
            before=Sum("amount_minor", filter=Q(transaction__occurred_on__lt=period.start)),
            during=Sum("amount_minor", filter=Q(transaction__occurred_on__gte=period.start)),
        )
    )
    for r in fund:
        target = row(r["account__owner"], r["currency"])
        target.opening -= int(r["before"] or 0)
        if r["during"]:
            target.moves[r["column"]] += int(r["during"])
    fees = (
        Posting.objects.filter(
            account__purpose=AccountPurpose.FEES,
            transaction__owner__startswith=CAMPAIGN_PREFIX,
            transaction__occurred_on__lte=period.end,
        )
        .values(owner=F("transaction__owner"), cur=F("currency"))
        .annotate(during=Sum("amount_minor", filter=Q(transaction__occurred_on__gte=period.start)))
    )
    for f in fees:
        row(f["owner"], f["cur"]).fees += int(f["during"] or 0)
    return sorted(rows.values(), key=lambda r: (r.slug, r.currency))
