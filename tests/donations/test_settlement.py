"""Online money in and out: conversion, fees, refunds and disputes keep the ledger exact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from solidarity.campaigns.funds import campaign_fund, campaign_owner, campaign_totals
from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.donations import settlement
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import DonationStatus
from solidarity.ledger.models import AccountPurpose, Transaction, TransactionKind
from solidarity.ledger.selectors import account_balance
from solidarity.ledger.services import get_account, post_transaction
from solidarity.ledger.verification import verify_ledger
from solidarity.rates.exchange import NoExchangeRate
from solidarity.rates.models import ExchangeRate

pytestmark = pytest.mark.django_db
CARD = AccountPurpose.CARD_PROCESSOR
TODAY = dt.date.today()


def money(amount: str, currency: str = "EUR") -> Money:
    return Money(Decimal(amount), currency)


@pytest.fixture
def rates() -> None:
    for day in (TODAY, TODAY - dt.timedelta(days=1)):
        ExchangeRate.objects.create(day=day, currency="USD", per_euro="1.0163")
        ExchangeRate.objects.create(day=day, currency="PLN", per_euro="4.7830")


def card_intent(campaign, amount: Money):
    return create_donation_intent(campaign=campaign, amount=amount, channel="card").donation


def test_settling_marks_paid_books_gross_to_the_fund_and_fee_to_expenses(campaign) -> None:
    donation = card_intent(campaign, money("50"))
    settlement.settle_donation(
        donation=donation, received=money("50"), settled_on=TODAY, asset=CARD, key="k1", fee=money("1.00")
    )
    assert donation.status == DonationStatus.PAID
    assert campaign_totals(campaign).collected == money("50")
    assert account_balance(get_account(purpose=AccountPurpose.FEES, currency="EUR")) == money("1.00")
    assert account_balance(get_account(purpose=CARD, currency="EUR")) == money("49.00")
    assert verify_ledger().ok


def test_settling_twice_under_one_key_books_once(campaign) -> None:
    donation = card_intent(campaign, money("50"))
    first = settlement.settle_donation(
        donation=donation, received=money("50"), settled_on=TODAY, asset=CARD, key="same"
    )
    again = settlement.settle_donation(
        donation=donation, received=money("50"), settled_on=TODAY, asset=CARD, key="same"
    )
    assert first == again
    assert Transaction.objects.filter(kind=TransactionKind.DONATION).count() == 1


def test_donation_in_another_currency_is_converted_at_the_days_rate(campaign, rates) -> None:
    donation = card_intent(campaign, money("101.63", "USD"))
    txn = settlement.settle_donation(
        donation=donation, received=money("101.63", "USD"), settled_on=TODAY, asset=CARD, key="fx"
    )
    assert campaign_totals(campaign).collected == money("100.00")
    assert txn.fx_rate and txn.fx_source.startswith("ECB")
    assert {(p.currency, p.amount_minor) for p in txn.postings.all()} == {
        ("USD", 10163),
        ("USD", -10163),
        ("EUR", 10000),
        ("EUR", -10000),
    }
    assert verify_ledger().ok


def test_conversion_without_a_rate_is_refused(campaign) -> None:
    with pytest.raises(NoExchangeRate):
        create_donation_intent(campaign=campaign, amount=money("10", "USD"), channel="card")


def test_partial_then_full_refund_leave_no_residue_across_currencies(campaign, rates) -> None:
    donation = card_intent(campaign, money("33.33", "PLN"))
    settlement.settle_donation(donation=donation, received=money("33.33", "PLN"), settled_on=TODAY, asset=CARD, key="p")
    settlement.return_money(donation=donation, amount=money("10.00", "PLN"), asset=CARD, key="r1")
    assert donation.status == DonationStatus.PAID
    settlement.return_money(donation=donation, amount=money("23.33", "PLN"), asset=CARD, key="r2")
    donation.refresh_from_db()
    assert donation.status == DonationStatus.REFUNDED
    totals = campaign_totals(campaign)
    assert totals.collected == money("0") and totals.balance == money("0")
    assert verify_ledger().ok


def test_refunding_more_than_was_given_is_refused(campaign) -> None:
    donation = card_intent(campaign, money("20"))
    settlement.settle_donation(donation=donation, received=money("20"), settled_on=TODAY, asset=CARD, key="p")
    with pytest.raises(DomainError, match="only"):
        settlement.return_money(donation=donation, amount=money("20.01"), asset=CARD, key="r")
    assert campaign_totals(campaign).collected == money("20")


def test_dispute_holds_then_a_won_dispute_releases(campaign) -> None:
    donation = card_intent(campaign, money("40"))
    settlement.settle_donation(donation=donation, received=money("40"), settled_on=TODAY, asset=CARD, key="p")
    settlement.hold_disputed(donation=donation, amount=money("40"), key="hold")
    held = campaign_totals(campaign)
    assert held.collected == money("40") and held.balance == money("0")
    settlement.close_dispute(donation=donation, amount=money("40"), key="close", lost=False)
    after = campaign_totals(campaign)
    assert after.collected == money("40") and after.balance == money("40")
    assert verify_ledger().ok


def test_lost_dispute_becomes_a_chargeback(campaign) -> None:
    donation = card_intent(campaign, money("40"))
    settlement.settle_donation(donation=donation, received=money("40"), settled_on=TODAY, asset=CARD, key="p")
    settlement.hold_disputed(donation=donation, amount=money("40"), key="hold")
    settlement.close_dispute(donation=donation, amount=money("40"), key="close", lost=True)
    totals = campaign_totals(campaign)
    assert totals.collected == money("0") and totals.balance == money("0")
    assert Transaction.objects.filter(kind=TransactionKind.CHARGEBACK).count() == 1
    donation.refresh_from_db()
    assert donation.status == DonationStatus.REFUNDED
    assert verify_ledger().ok


def _pay_out(campaign, amount: Money) -> None:
    """Spend from the fund as a posted payout does (fund → bank)."""
    post_transaction(
        kind=TransactionKind.DISBURSEMENT,
        owner=campaign_owner(campaign),
        lines=[(campaign_fund(campaign), amount), (get_account(purpose=AccountPurpose.BANK, currency="EUR"), -amount)],
    )


def _reserve() -> Money:
    return account_balance(get_account(purpose=AccountPurpose.RESERVE, currency="EUR"))


def test_a_dispute_larger_than_the_fund_is_held_partly_from_the_reserve_and_released_back(campaign) -> None:
    donation = card_intent(campaign, money("40"))
    settlement.settle_donation(donation=donation, received=money("40"), settled_on=TODAY, asset=CARD, key="p")
    _pay_out(campaign, money("30"))
    settlement.hold_disputed(donation=donation, amount=money("40"), key="hold")
    assert campaign_totals(campaign).balance == money("0")  # never below zero
    assert _reserve() == money("30")  # the foundation holds what the fund no longer had
    assert verify_ledger().ok
    settlement.close_dispute(donation=donation, amount=money("40"), key="close", lost=False)
    assert campaign_totals(campaign).balance == money("10")
    assert _reserve() == money("0")
    assert verify_ledger().ok


def test_a_lost_dispute_beyond_the_fund_is_covered_from_the_reserve(campaign) -> None:
    donation = card_intent(campaign, money("40"))
    settlement.settle_donation(donation=donation, received=money("40"), settled_on=TODAY, asset=CARD, key="p")
    _pay_out(campaign, money("30"))
    settlement.hold_disputed(donation=donation, amount=money("40"), key="hold")
    settlement.close_dispute(donation=donation, amount=money("40"), key="close", lost=True)
    totals = campaign_totals(campaign)
    # The donor has all 40 back: 10 from the fund, 30 the foundation paid in its place, so
    # the fund keeps 30 of gifts (all spent) and shows no negative balance.
    assert (totals.collected, totals.spent, totals.balance) == (money("30"), money("30"), money("0"))
    assert _reserve() == money("30")
    assert verify_ledger().ok


def test_a_refund_the_rail_reports_beyond_the_fund_is_covered_from_the_reserve(campaign) -> None:
    donation = card_intent(campaign, money("40"))
    settlement.settle_donation(donation=donation, received=money("40"), settled_on=TODAY, asset=CARD, key="p")
    _pay_out(campaign, money("40"))
    settlement.return_money(donation=donation, amount=money("15"), asset=CARD, key="r")
    assert campaign_totals(campaign).balance == money("0")
    assert _reserve() == money("15")
    assert verify_ledger().ok
