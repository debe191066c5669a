"""Refunds and reversals take two people: a request with a reason, an approval by someone else;
none takes a fund below zero, and bad input changes nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from solidarity.campaigns.funds import campaign_fund, campaign_owner, campaign_totals
from solidarity.core.errors import (
    CurrencyMismatch,
    DomainError,
    InsufficientFunds,
    InvalidAmount,
    InvalidTransition,
    NotAllowed,
)
from solidarity.core.money import Money
from solidarity.donations.models import DonationStatus, RefundKind, RefundRequest, RefundRequestStatus
from solidarity.donations.refund_requests import approve_refund, balance_after, reject_refund, request_refund
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import AccountPurpose, Transaction, TransactionKind
from solidarity.ledger.services import get_account, post_transaction
from solidarity.ledger.verification import verify_ledger
from solidarity.staff.models import AuditEntry
from tests.factories import staff_with_role

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


@pytest.fixture
def asker():
    return staff_with_role("finance", "fin-asker")


@pytest.fixture
def approver():
    return staff_with_role("finance", "fin-approver")


@pytest.fixture
def gift(campaign, asker):
    return record_staff_donation(campaign=campaign, amount=eur("100"), channel="bank_transfer", actor=asker).donation


def _pay_out(campaign, amount: Money) -> None:
    bank = get_account(purpose=AccountPurpose.BANK, currency="EUR")
    post_transaction(
        kind=TransactionKind.DISBURSEMENT,
        owner=campaign_owner(campaign),
        lines=[(campaign_fund(campaign), amount), (bank, -amount)],
    )


def test_a_partial_refund_request_moves_nothing_until_another_person_approves(campaign, gift, asker, approver) -> None:
    asked = request_refund(donation=gift, actor=asker, reason="donor asked", amount=eur("40"))
    assert asked.status == RefundRequestStatus.AWAITING
    assert campaign_totals(campaign).balance == eur("100")
    assert balance_after(asked) == eur("60")
    approved = approve_refund(refund_request=asked, actor=approver, book=True)
    assert approved.status == RefundRequestStatus.APPROVED and approved.decided_by == approver
    totals = campaign_totals(campaign)
    assert (totals.collected, totals.balance) == (eur("60"), eur("60"))
    assert approved.ledger_transaction is not None
    assert approved.ledger_transaction.idempotency_key == f"refund-request:{asked.pk}"
    gift.refresh_from_db()
    assert gift.status == DonationStatus.PAID  # 60 of it stays
    assert verify_ledger().ok


def test_both_steps_are_audited_with_the_reason(gift, asker, approver) -> None:
    asked = request_refund(donation=gift, actor=asker, reason="donor asked by letter")
    approve_refund(refund_request=asked, actor=approver, book=True)
    ask = AuditEntry.objects.get(action="donation.refund_request")
    yes = AuditEntry.objects.get(action="donation.refund_approve")
    assert ask.actor == asker and ask.summary["reason"] == "donor asked by letter"
    assert yes.actor == approver and yes.summary["reason"] == "donor asked by letter"
    assert yes.summary["balance_after"] == "0.00 EUR"


def test_the_requester_cannot_approve_even_as_a_superuser(campaign, asker) -> None:
    from tests.factories import UserFactory

    boss = UserFactory(username="boss", is_superuser=True)
    gift = record_staff_donation(campaign=campaign, amount=eur("10"), channel="cash", actor=boss).donation
    asked = request_refund(donation=gift, actor=boss, reason="x")
    with pytest.raises(NotAllowed, match="Four eyes"):
        approve_refund(refund_request=asked, actor=boss, book=True)
    asked.refresh_from_db()
    assert asked.status == RefundRequestStatus.AWAITING
    assert campaign_totals(campaign).balance == eur("10")


def test_a_second_approval_and_an_approval_after_rejection_are_refused(gift, asker, approver) -> None:
    asked = request_refund(donation=gift, actor=asker, reason="x", amount=eur("10"))
    approve_refund(refund_request=asked, actor=approver, book=True)
    with pytest.raises(InvalidTransition, match="already decided"):
        approve_refund(refund_request=asked, actor=approver, book=True)
    other = request_refund(donation=gift, actor=asker, reason="y", amount=eur("10"))
    reject_refund(refund_request=other, actor=approver, note="not asked by the donor")
    with pytest.raises(InvalidTransition, match="already decided: it is rejected"):
        approve_refund(refund_request=other, actor=approver, book=True)
    assert Transaction.objects.filter(kind=TransactionKind.REFUND).count() == 1


def test_a_refund_larger_than_what_is_left_is_refused_and_changes_nothing(gift, asker) -> None:
    with pytest.raises(InvalidAmount, match="more than what is left"):
        request_refund(donation=gift, actor=asker, reason="x", amount=eur("100.01"))
    request_refund(donation=gift, actor=asker, reason="x", amount=eur("70"))
    with pytest.raises(InvalidAmount, match=r"left of donation #\d+: 30\.00 EUR"):
        request_refund(donation=gift, actor=asker, reason="x", amount=eur("31"))
    assert RefundRequest.objects.count() == 1


def test_bad_input_is_refused_with_a_clear_error(gift, asker) -> None:
    with pytest.raises(DomainError, match="Say why"):
        request_refund(donation=gift, actor=asker, reason="  ")
    with pytest.raises(CurrencyMismatch):
        request_refund(donation=gift, actor=asker, reason="x", amount=Money(Decimal(5), "USD"))
    with pytest.raises(InvalidAmount):
        request_refund(donation=gift, actor=asker, reason="x", amount=eur("0"))
    with pytest.raises(InvalidAmount, match="whole donation"):
        request_refund(donation=gift, actor=asker, reason="x", amount=eur("5"), kind=RefundKind.REVERSAL)
    with pytest.raises(NotAllowed):
        request_refund(donation=gift, actor=staff_with_role("editor"), reason="x")
    assert not RefundRequest.objects.exists()


def test_a_refund_that_would_overdraw_the_fund_is_refused_at_request(campaign, gift, asker) -> None:
    _pay_out(campaign, eur("75"))
    with pytest.raises(InsufficientFunds, match=r"below zero: it holds 25\.00 EUR"):
        request_refund(donation=gift, actor=asker, reason="x", amount=eur("40"))
    assert not RefundRequest.objects.exists()


def test_and_again_at_approval_when_the_fund_was_spent_meanwhile(campaign, gift, asker, approver) -> None:
    asked = request_refund(donation=gift, actor=asker, reason="x", amount=eur("40"))
    _pay_out(campaign, eur("75"))
    with pytest.raises(InsufficientFunds):
        approve_refund(refund_request=asked, actor=approver, book=True)
    asked.refresh_from_db()
    assert asked.status == RefundRequestStatus.AWAITING
    assert campaign_totals(campaign).balance == eur("25")
    assert not Transaction.objects.filter(kind=TransactionKind.REFUND).exists()


def test_a_reversal_is_a_request_too_and_books_a_reversing_transaction(campaign, gift, asker, approver) -> None:
    asked = request_refund(donation=gift, actor=asker, reason="counterfeit notes", kind=RefundKind.REVERSAL)
    assert campaign_totals(campaign).collected == eur("100")
    approved = approve_refund(refund_request=asked, actor=approver, book=True)
    gift.refresh_from_db()
    assert gift.status == DonationStatus.REVERSED
    assert (
        approved.ledger_transaction is not None
        and approved.ledger_transaction.reverses_id == gift.ledger_transaction_id
    )
    assert campaign_totals(campaign).collected == eur("0")
    assert verify_ledger().ok


def test_the_whole_rest_is_what_an_omitted_amount_means(campaign, gift, asker, approver) -> None:
    first = request_refund(donation=gift, actor=asker, reason="x", amount=eur("30"))
    approve_refund(refund_request=first, actor=approver, book=True)
    rest = request_refund(donation=gift, actor=asker, reason="x")
    assert rest.money == eur("70")
    approve_refund(refund_request=rest, actor=approver, book=True)
    gift.refresh_from_db()
    assert gift.status == DonationStatus.REFUNDED
    assert campaign_totals(campaign).balance == eur("0")
