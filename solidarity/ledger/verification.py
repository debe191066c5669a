"""Checks every ledger invariant from the stored rows alone.

Each check is a set-based query so that it scales to millions of postings; problems name
the offending transaction so an operator can find it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, F, Q, Sum

from solidarity.ledger.log_audit import audit_public_log
from solidarity.ledger.models import AccountPurpose, Posting, Transaction, TransactionKind


@dataclass
class VerificationReport:
    transactions: int = 0
    postings: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_ledger(*, limit: int = 50) -> VerificationReport:
    """Run every check; collect at most `limit` problems per check."""
    report = VerificationReport(transactions=Transaction.objects.count(), postings=Posting.objects.count())
    add = report.problems.append

    for short in (
        Transaction.objects.annotate(n=Count("postings")).filter(n__lt=2).values("id", "n").order_by("id")[:limit]
    ):
        add(f"transaction #{short['id']}: has {short['n']} posting(s), needs at least two")

    for row in (
        Posting.objects.values("transaction_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
        .order_by("transaction_id")[:limit]
    ):
        add(
            f"transaction #{row['transaction_id']}: does not balance in {row['currency']} "
            f"(off by {row['total']} minor units)"
        )

    for p in Posting.objects.filter(amount_minor=0).values("id", "transaction_id")[:limit]:
        add(f"transaction #{p['transaction_id']}: posting #{p['id']} is zero")

    for p in (
        Posting.objects.exclude(currency=F("account__currency"))
        .values("id", "transaction_id", "currency", "account__currency")
        .order_by("transaction_id")[:limit]
    ):
        add(
            f"transaction #{p['transaction_id']}: posting #{p['id']} in {p['currency']} "
            f"on an account kept in {p['account__currency']}"
        )

    for p in (
        Posting.objects.filter(account__purpose=AccountPurpose.CAMPAIGN_FUND)
        .exclude(account__campaign_id=F("transaction__campaign_id"))
        .values("id", "transaction_id")
        .order_by("transaction_id")[:limit]
    ):
        add(f"transaction #{p['transaction_id']}: posting #{p['id']} moves another campaign's fund")

    _check_reversals(report, limit)
    _check_donations(report, limit)
    _check_public_log(report, limit)
    return report


def _check_reversals(report: VerificationReport, limit: int) -> None:
    reversals = Transaction.objects.filter(Q(kind=TransactionKind.REVERSAL) | Q(reverses__isnull=False))
    found = 0
    for txn in (
        reversals.select_related("reverses")
        .prefetch_related("postings", "reverses__postings")
        .order_by("id")
        .iterator(chunk_size=500)
    ):
        problem = None
        if txn.kind != TransactionKind.REVERSAL or txn.reverses is None:
            problem = "is marked as a reversal but names no original, or the other way round"
        elif txn.reverses.kind == TransactionKind.REVERSAL:
            problem = f"reverses #{txn.reverses_id}, which is itself a reversal"
        else:
            mine = Counter((p.account_id, p.amount_minor, p.currency) for p in txn.postings.all())
            mirror = Counter((p.account_id, -p.amount_minor, p.currency) for p in txn.reverses.postings.all())
            if mine != mirror:
                problem = f"does not exactly mirror transaction #{txn.reverses_id}"
        if problem:
            report.problems.append(f"transaction #{txn.pk}: {problem}")
            found += 1
            if found >= limit:
                return


def _check_donations(report: VerificationReport, limit: int) -> None:
    from solidarity.donations.models import Donation, DonationStatus

    paid_without = Donation.objects.filter(status=DonationStatus.PAID, ledger_transaction__isnull=True)
    for d in paid_without.values("id")[:limit]:
        report.problems.append(f"donation #{d['id']}: paid but has no ledger transaction")
    wrong_kind = Donation.objects.filter(ledger_transaction__isnull=False).exclude(
        ledger_transaction__kind=TransactionKind.DONATION
    )
    for d in wrong_kind.values("id", "ledger_transaction_id")[:limit]:
        report.problems.append(
            f"transaction #{d['ledger_transaction_id']}: booked for donation #{d['id']} but is not a donation"
        )
    mismatched = Donation.objects.filter(ledger_transaction__campaign_id__isnull=False).exclude(
        ledger_transaction__campaign_id=F("campaign_id")
    )
    for d in mismatched.values("id", "ledger_transaction_id")[:limit]:
        report.problems.append(
            f"transaction #{d['ledger_transaction_id']}: books donation #{d['id']} to another campaign"
        )
    reversed_mismatch = Donation.objects.filter(
        Q(status=DonationStatus.REVERSED, ledger_transaction__reversed_by__isnull=True)
        | Q(status=DonationStatus.PAID, ledger_transaction__reversed_by__isnull=False)
    )
    for d in reversed_mismatch.values("id", "ledger_transaction_id")[:limit]:
        report.problems.append(
            f"transaction #{d['ledger_transaction_id']}: donation #{d['id']}'s status disagrees with its reversal"
        )


def _check_public_log(report: VerificationReport, limit: int) -> None:
    """Re-derive every sealed public log entry from today's rows and recompute each checkpoint.

    The checks above catch a ledger that contradicts itself; this one catches a ledger
    that was rewritten consistently after it was sealed and signed.
    """
    report.problems.extend(audit_public_log(limit=limit))
