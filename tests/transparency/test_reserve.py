"""What the foundation's reserve paid where a fund could not is shown as such, per campaign and site-wide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.test import Client

from solidarity.campaigns.funds import campaign_fund, campaign_owner, campaign_totals
from solidarity.core.money import Money
from solidarity.donations import settlement
from solidarity.donations.intents import create_donation_intent
from solidarity.ledger.models import AccountPurpose, TransactionKind
from solidarity.ledger.services import get_account, post_transaction
from solidarity.transparency.selectors import campaign_report, site_report

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def test_a_lost_dispute_beyond_the_fund_shows_as_covered_from_the_reserve(campaign) -> None:
    donation = create_donation_intent(campaign=campaign, amount=eur("40"), channel="card").donation
    settlement.settle_donation(
        donation=donation, received=eur("40"), settled_on=dt.date.today(), asset=AccountPurpose.CARD_PROCESSOR, key="p"
    )
    post_transaction(  # €30 already paid out
        kind=TransactionKind.DISBURSEMENT,
        owner=campaign_owner(campaign),
        lines=[
            (campaign_fund(campaign), eur("30")),
            (get_account(purpose=AccountPurpose.BANK, currency="EUR"), -eur("30")),
        ],
    )
    settlement.hold_disputed(donation=donation, amount=eur("40"), key="hold")
    settlement.close_dispute(donation=donation, amount=eur("40"), key="close", lost=True)
    assert campaign_totals(campaign).balance == eur("0")
    assert campaign_report(campaign).covered_by_reserve == eur("30")
    assert site_report().covered_by_reserve == [eur("30")]
    cache.clear()
    html = Client().get(f"/en/campaigns/{campaign.slug}/transparency/").content.decode()
    assert "Covered from the foundation&#x27;s reserve" in html or "Covered from the foundation's reserve" in html
    assert "€30" in html


def test_nothing_is_shown_when_the_reserve_paid_nothing(campaign) -> None:
    assert campaign_report(campaign).covered_by_reserve == eur("0")
    assert site_report().covered_by_reserve == []
