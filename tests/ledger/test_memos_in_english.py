"""The ledger's memos, written by the code, are the same whatever language the staff member
reads: a Russian reader's cash donation is "Cash donation", not "Наличные donation"."""

from __future__ import annotations

import pytest
from django.utils import translation

from tests.factories import cash_then_payout, staff_with_role


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "be"])
def test_memos_are_written_in_english_whatever_the_staff_member_reads(language: str) -> None:
    with translation.override(language):
        _campaign, donation, payout = cash_then_payout(actor=staff_with_role("finance", "recorder"), paid="40")
    assert donation.ledger_transaction.memo == "Cash donation"
    payout.refresh_from_db()
    assert payout.ledger_transaction.memo == "Paid out: Lawyer"
