from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from solidarity.campaigns.funds import campaign_totals
from solidarity.campaigns.services import close_campaign
from solidarity.core.errors import CurrencyMismatch, DomainError, InvalidAmount, InvalidTransition
from solidarity.core.money import Money
from solidarity.donations.models import Donation, DonationStatus
from solidarity.donations.receipts import hash_receipt_code, normalize_receipt_code
from solidarity.donations.services import record_staff_donation, reverse_donation
from solidarity.ledger.models import Transaction
from solidarity.staff.models import AuditEntry
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def test_recorded_donation_posts_to_the_ledger_and_counts(campaign, staff_user) -> None:
    recorded = record_staff_donation(
        campaign=campaign, amount=eur("25"), channel="cash", actor=staff_user, public_name="Anna", message="Hold on"
    )
    totals = campaign_totals(campaign)
    assert totals.collected == eur("25")
    assert totals.donations == 1
    assert totals.balance == eur("25")
    donation = recorded.donation
    assert donation.status == DonationStatus.PAID
    assert donation.ledger_transaction is not None and donation.ledger_transaction.kind == "donation"
    assert donation.public_name == "Anna"
    assert AuditEntry.objects.filter(action="donation.record", actor=staff_user).count() == 1


def test_receipt_code_has_128_bits_and_only_its_hash_is_stored(campaign, staff_user) -> None:
    recorded = record_staff_donation(campaign=campaign, amount=eur("5"), channel="cash", actor=staff_user)
    code = recorded.receipt_code
    assert len(normalize_receipt_code(code)) == 26  # 128 bits in base32
    stored = Donation.objects.filter(pk=recorded.donation.pk).values()[0]
    assert normalize_receipt_code(code) not in str(stored)
    assert stored["receipt_code_hash"] == hash_receipt_code(code.lower().replace("-", " "))


@pytest.mark.parametrize("amount", ["0", "-5"])
def test_amount_not_above_zero_is_refused(campaign, staff_user, amount: str) -> None:
    with pytest.raises(InvalidAmount, match="more than zero"):
        record_staff_donation(campaign=campaign, amount=eur(amount), channel="cash", actor=staff_user)
    assert not Donation.objects.exists() and not Transaction.objects.exists()


@override_settings(SOLIDARITY_MAX_DONATION=Decimal("1000"))
def test_amount_above_the_configured_maximum_is_refused(campaign, staff_user) -> None:
    with pytest.raises(InvalidAmount, match="cannot exceed"):
        record_staff_donation(campaign=campaign, amount=eur("1000.01"), channel="cash", actor=staff_user)
    assert not Donation.objects.exists() and not Transaction.objects.exists()


def test_donation_in_another_currency_is_refused(campaign, staff_user) -> None:
    with pytest.raises(CurrencyMismatch):
        record_staff_donation(campaign=campaign, amount=Money(Decimal(5), "USD"), channel="cash", actor=staff_user)
    assert not Transaction.objects.exists()


def test_card_channel_cannot_be_recorded_by_hand(campaign, staff_user) -> None:
    with pytest.raises(DomainError):
        record_staff_donation(campaign=campaign, amount=eur("5"), channel="card", actor=staff_user)


def test_draft_campaign_cannot_receive_donations(staff_user) -> None:
    with pytest.raises(InvalidTransition):
        record_staff_donation(campaign=CampaignFactory(), amount=eur("5"), channel="cash", actor=staff_user)
    assert not Transaction.objects.exists()


def test_late_donation_to_a_closed_campaign_still_lands(campaign, staff_user) -> None:
    close_campaign(campaign=campaign)
    campaign.refresh_from_db()
    record_staff_donation(campaign=campaign, amount=eur("5"), channel="bank_transfer", actor=staff_user)
    assert campaign_totals(campaign).collected == eur("5")


def test_reversal_takes_the_donation_out_of_the_totals(campaign, staff_user) -> None:
    kept = record_staff_donation(campaign=campaign, amount=eur("30"), channel="cash", actor=staff_user)
    gone = record_staff_donation(campaign=campaign, amount=eur("12.50"), channel="cash", actor=staff_user)
    reverse_donation(donation=gone.donation, actor=staff_user, reason="counterfeit note")
    totals = campaign_totals(campaign)
    assert totals.collected == eur("30")
    assert totals.donations == 1
    assert kept.donation.status == DonationStatus.PAID
    with pytest.raises(InvalidTransition):
        reverse_donation(donation=gone.donation, actor=staff_user, reason="again")


def test_reversal_needs_a_reason(campaign, staff_user) -> None:
    recorded = record_staff_donation(campaign=campaign, amount=eur("30"), channel="cash", actor=staff_user)
    with pytest.raises(DomainError):
        reverse_donation(donation=recorded.donation, actor=staff_user, reason=" ")


def test_a_reversal_that_would_take_the_fund_below_zero_is_refused_and_changes_nothing(campaign, staff_user) -> None:
    from solidarity.campaigns.funds import campaign_fund, campaign_owner
    from solidarity.core.errors import InsufficientFunds
    from solidarity.ledger.models import AccountPurpose, TransactionKind
    from solidarity.ledger.services import get_account, post_transaction

    recorded = record_staff_donation(campaign=campaign, amount=eur("100"), channel="cash", actor=staff_user)
    post_transaction(  # €80 already paid out
        kind=TransactionKind.DISBURSEMENT,
        owner=campaign_owner(campaign),
        lines=[
            (campaign_fund(campaign), eur("80")),
            (get_account(purpose=AccountPurpose.BANK, currency="EUR"), -eur("80")),
        ],
    )
    with pytest.raises(InsufficientFunds, match=r"below zero: it holds 20\.00 EUR"):
        reverse_donation(donation=recorded.donation, actor=staff_user, reason="counterfeit note")
    recorded.donation.refresh_from_db()
    assert recorded.donation.status == DonationStatus.PAID
    assert campaign_totals(campaign).balance == eur("20")
    assert not Transaction.objects.filter(kind="reversal").exists()
