"""What `verify_ledger` checks of donations: that each agrees with its ledger transaction."""

from __future__ import annotations

from django.db.models import F, Q

from solidarity.campaigns.funds import campaign_owner_expression
from solidarity.donations.models import Donation, DonationStatus
from solidarity.ledger.models import TransactionKind


def check_donations(limit: int) -> list[str]:
    """Problems with paid donations and their transactions, at most `limit` of each kind."""
    problems: list[str] = []
    add = problems.append
    paid_without = Donation.objects.filter(status=DonationStatus.PAID, ledger_transaction__isnull=True)
    for d in paid_without.values("id")[:limit]:
        add(f"donation #{d['id']}: paid but has no ledger transaction")
    wrong_kind = Donation.objects.filter(ledger_transaction__isnull=False).exclude(
        ledger_transaction__kind=TransactionKind.DONATION
    )
    for d in wrong_kind.values("id", "ledger_transaction_id")[:limit]:
        add(f"transaction #{d['ledger_transaction_id']}: booked for donation #{d['id']} but is not a donation")
    mismatched = (
        Donation.objects.filter(ledger_transaction__isnull=False)
        .annotate(expected_owner=campaign_owner_expression("campaign_id"))
        .exclude(ledger_transaction__owner=F("expected_owner"))
    )
    for d in mismatched.values("id", "ledger_transaction_id")[:limit]:
        add(f"transaction #{d['ledger_transaction_id']}: books donation #{d['id']} to another campaign")
    reversed_mismatch = Donation.objects.filter(
        Q(status=DonationStatus.REVERSED, ledger_transaction__reversed_by__isnull=True)
        | Q(status=DonationStatus.PAID, ledger_transaction__reversed_by__isnull=False)
    )
    for d in reversed_mismatch.values("id", "ledger_transaction_id")[:limit]:
        add(f"transaction #{d['ledger_transaction_id']}: donation #{d['id']}'s status disagrees with its reversal")
    return problems
