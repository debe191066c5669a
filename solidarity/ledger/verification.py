"""Checks every ledger invariant from the stored rows alone.

Each check is a set-based query so that it scales to millions of postings; problems name
the offending transaction so an operator can find it.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from solidarity.ledger.models import (
    FOUNDATION,
    NEVER_IN_DEBIT,
    Posting,
    Transaction,
    TransactionKind,
    VerificationRun,
)

# One ERROR line per failed run, for whatever watches the logs; it names rows, never people.
alarm_log = logging.getLogger("solidarity.verification")

# Checks of the apps above the ledger (that donations agree with their transactions, that
# the public log was not rewritten…): each takes the problem limit and returns problems.
Check = Callable[[int], list[str]]
_checks: list[Check] = []


def register_check(check: Check) -> None:
    """Have `verify_ledger` run `check` too (apps register theirs when they are ready)."""
    if check not in _checks:
        _checks.append(check)


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
        Posting.objects.exclude(account__owner=FOUNDATION)
        .exclude(account__owner=F("transaction__owner"))
        .values("id", "transaction_id", "account__owner")
        .order_by("transaction_id")[:limit]
    ):
        add(
            f"transaction #{p['transaction_id']}: posting #{p['id']} moves an account of "
            f"{p['account__owner']!r}, which the transaction does not belong to"
        )

    for fund in (
        Posting.objects.filter(account__purpose__in=NEVER_IN_DEBIT)
        .values("account_id", "account__owner", "account__purpose", "account__currency")
        .annotate(total=Sum("amount_minor"))
        .filter(total__gt=0)
        .order_by("account_id")[:limit]
    ):
        add(
            f"account #{fund['account_id']} ({fund['account__purpose']} of {fund['account__owner']!r}): "
            f"below zero by {fund['total']} minor units of {fund['account__currency']}"
        )

    _check_reversals(report, limit)
    for check in _checks:
        report.problems.extend(check(limit))
    return report


def record_verification(*, limit: int = 50) -> tuple[VerificationRun, VerificationReport]:
    """Run `verify_ledger` and store its outcome as the latest `VerificationRun`.

    The scheduled entry point (`manage.py verify_ledger`, hourly): a failure raises the
    back office's red banner and fails `/readyz` until a later run passes, and logs one
    ERROR line here.
    """
    report = verify_ledger(limit=limit)
    with transaction.atomic():
        run = VerificationRun.objects.create(
            checked_at=timezone.now(),
            ok=report.ok,
            problem_count=len(report.problems),
            first_problem=report.problems[0] if report.problems else "",
            transactions=report.transactions,
            postings=report.postings,
        )
    if not report.ok:
        alarm_log.error(
            "ledger verification failed: %d problem(s); first: %s", len(report.problems), report.problems[0]
        )
    return run, report


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
