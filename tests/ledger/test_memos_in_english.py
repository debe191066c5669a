"""The ledger's memos, written by the code, are the same whatever language the staff member
reads: a Russian reader's cash donation is "Cash donation", not "Наличные donation"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from solidarity.core.money import Money
from solidarity.disbursements.services import record_disbursement
from solidarity.donations.services import record_staff_donation
from tests.factories import active_campaign, staff_with_role


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "be"])
def test_memos_are_written_in_english_whatever_the_staff_member_reads(language: str) -> None:
    recorder = staff_with_role("finance", "recorder")
    campaign = active_campaign()
    with translation.override(language):
        donation = record_staff_donation(
            campaign=campaign, amount=Money(Decimal("90"), "EUR"), channel="cash", actor=recorder
        ).donation
        payout = record_disbursement(
            need=campaign.needs.first(),
            payee_category="lawyer",
            amount=Money(Decimal("40"), "EUR"),
            paid_on=dt.date.today(),
            public_description="Lawyer's fee",
            actor=recorder,
        )
    assert donation.ledger_transaction.memo == "Cash donation"
    payout.refresh_from_db()
    assert payout.ledger_transaction.memo == "Paid out: Lawyer"
