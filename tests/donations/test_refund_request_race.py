"""Two approvals of one refund request at the same moment (a double click, two colleagues):
on PostgreSQL exactly one wins, the other gets a clear error, and one refund posts."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.errors import DomainError, InvalidTransition
from solidarity.core.money import Money
from solidarity.donations.models import RefundRequestStatus
from solidarity.donations.refund_requests import request_refund
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Transaction, TransactionKind
from solidarity.ledger.verification import verify_ledger
from solidarity.payments.refunds import approve_refund_request
from tests.factories import active_campaign, staff_with_role

pytestmark = pytest.mark.usefixtures("on_postgres")


def test_two_approvals_racing_post_one_refund(transactional_db: Any) -> None:
    campaign = active_campaign(currency="EUR", goal="1000")
    asker = staff_with_role("finance", "fin-asker")
    approvers = [staff_with_role("finance", "fin-one"), staff_with_role("finance", "fin-two")]
    gift = record_staff_donation(
        campaign=campaign, amount=Money(Decimal("100"), "EUR"), channel="bank_transfer", actor=asker
    ).donation
    asked = request_refund(donation=gift, actor=asker, reason="donor asked", amount=Money(Decimal("40"), "EUR"))
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def approve(actor: Any) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(approve_refund_request(refund_request=asked, actor=actor))
        except DomainError as exc:
            outcomes.append(exc)
        finally:
            connection.close()  # each thread has its own connection

    threads = [threading.Thread(target=approve, args=(a,)) for a in approvers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    errors = [o for o in outcomes if isinstance(o, Exception)]
    wins = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(wins) == 1 and len(errors) == 1, outcomes
    assert isinstance(errors[0], InvalidTransition) and "already decided" in str(errors[0])
    asked.refresh_from_db()
    assert asked.status == RefundRequestStatus.APPROVED and asked.decided_by == wins[0].decided_by
    assert Transaction.objects.filter(kind=TransactionKind.REFUND).count() == 1
    assert campaign_totals(campaign).balance == Money(Decimal("60"), "EUR")
    assert verify_ledger().ok
