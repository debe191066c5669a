"""Two approvals of one surplus move at the same moment: on PostgreSQL exactly one wins, the
other gets a clear error, and the surplus moves once."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from solidarity.campaigns import services as campaign_services
from solidarity.campaigns.funds import campaign_totals
from solidarity.core.errors import DomainError, InvalidTransition
from solidarity.core.money import Money
from solidarity.disbursements.models import SurplusTransferStatus
from solidarity.disbursements.surplus import approve_surplus_transfer, request_surplus_transfer
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Transaction, TransactionKind
from solidarity.ledger.verification import verify_ledger
from tests.factories import active_campaign, staff_with_role

pytestmark = pytest.mark.usefixtures("on_postgres")


def test_two_approvals_racing_move_the_surplus_once(transactional_db: Any) -> None:
    campaign = active_campaign(currency="EUR", goal="1000", surplus_rule="general_fund")
    asker = staff_with_role("finance", "fin-asker")
    approvers = [staff_with_role("finance", "fin-one"), staff_with_role("finance", "fin-two")]
    record_staff_donation(campaign=campaign, amount=Money(Decimal("65"), "EUR"), channel="cash", actor=asker)
    campaign_services.close_campaign(campaign=campaign)
    asked = request_surplus_transfer(campaign=campaign, actor=asker, reason="collection over")
    barrier = threading.Barrier(2)
    outcomes: list[Any] = []

    def approve(actor: Any) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes.append(approve_surplus_transfer(transfer=asked, actor=actor))
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
    assert isinstance(errors[0], InvalidTransition) and "awaiting approval" in str(errors[0])
    asked.refresh_from_db()
    assert asked.status == SurplusTransferStatus.POSTED and asked.decided_by == wins[0].decided_by
    assert Transaction.objects.filter(kind=TransactionKind.SURPLUS).count() == 1
    assert campaign_totals(campaign).balance == Money(Decimal("0"), "EUR")
    assert verify_ledger().ok
