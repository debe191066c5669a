"""Regression: one seeded month of money — staff and card donations in four currencies
(with FX), fees, partial and full refunds, won and lost disputes, reversals and payouts —
must leave exactly the balances recorded in tests/fixtures/ledger_regression.json.

That file was written by the code from before the ledger learned owners instead of
campaigns (accounts keyed by campaign slug there, by owner here, mapped back to slugs),
so the redesign is proven not to have moved a single minor unit; any later change that
does must say so by rewriting the file (`REGENERATE_LEDGER_REGRESSION=1`).
"""

from __future__ import annotations

import json
import os
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from solidarity.campaigns.funds import campaign_owner
from solidarity.campaigns.models import Campaign
from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.disbursements.services import record_disbursement
from solidarity.donations import settlement
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.services import record_staff_donation, reverse_donation
from solidarity.ledger.models import AccountPurpose, Posting
from solidarity.ledger.verification import verify_ledger
from solidarity.rates.models import ExchangeRate
from tests.factories import NeedFactory, UserFactory, active_campaign

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent.parent / "fixtures" / "ledger_regression.json"
RATES = {"USD": "1.0163", "PLN": "4.7830", "JPY": "161.12"}
CURRENCIES = ["EUR", "USD", "PLN", "JPY"]
CARD_CURRENCIES = ["EUR", "USD", "PLN"]  # what the donate form offers


def run_month(seed: int) -> None:
    """Drive the services with a seeded random sequence of money movements."""
    rng = random.Random(seed)
    day = timezone.localdate()  # donation intents look up today's rate
    actor = UserFactory(username="regression", is_superuser=True)
    for currency, per_euro in RATES.items():
        ExchangeRate.objects.create(day=day, currency=currency, per_euro=per_euro)
    campaigns = [active_campaign(currency=cur, goal="100000", slug=f"regression-{cur.lower()}") for cur in CURRENCIES]
    needs = [NeedFactory(campaign=c) for c in campaigns]
    staff_paid: list = []
    card_paid: list = []
    for step in range(120):
        campaign = rng.choice(campaigns)
        roll = rng.random()
        try:
            if roll < 0.3:
                amount = Money.from_minor(rng.randrange(100, 500_000), campaign.currency)
                channel = rng.choice(["cash", "bank_transfer", "other_platform", "other"])
                staff_paid.append(
                    record_staff_donation(campaign=campaign, amount=amount, channel=channel, actor=actor).donation
                )
            elif roll < 0.6:
                currency = rng.choice(CARD_CURRENCIES)
                amount = Money.from_minor(rng.randrange(500, 300_000), currency)
                donation = create_donation_intent(campaign=campaign, amount=amount, channel="card").donation
                fee = Money.from_minor(rng.randrange(0, 90), currency)
                settlement.settle_donation(
                    donation=donation,
                    received=amount,
                    settled_on=day,
                    asset=AccountPurpose.CARD_PROCESSOR,
                    key=f"pay-{step}",
                    fee=fee,
                )
                card_paid.append(donation)
            elif roll < 0.7 and card_paid:
                donation = rng.choice(card_paid)
                part = Money.from_minor(max(1, donation.amount_minor // rng.choice([1, 2, 3])), donation.currency)
                settlement.return_money(
                    donation=donation, amount=part, asset=AccountPurpose.CARD_PROCESSOR, key=f"refund-{step}"
                )
            elif roll < 0.78 and card_paid:
                donation = rng.choice(card_paid)
                settlement.hold_disputed(donation=donation, amount=donation.money, key=f"hold-{step}")
                settlement.close_dispute(
                    donation=donation, amount=donation.money, key=f"close-{step}", lost=rng.random() < 0.5
                )
            elif roll < 0.86 and staff_paid:
                donation = staff_paid.pop(rng.randrange(len(staff_paid)))
                reverse_donation(donation=donation, actor=actor, reason="regression")
            else:
                need = needs[campaigns.index(campaign)]
                amount = Money.from_minor(rng.randrange(100, 40_000), campaign.currency)
                record_disbursement(
                    need=need,
                    payee_category="lawyer",
                    amount=amount,
                    paid_on=day,
                    public_description="Lawyer's fees",
                    actor=actor,
                )
        except DomainError:
            pass  # refused (more than is left, nothing held…): refused alike before and after


def balances_by_owner() -> dict[str, int]:
    """Every account's balance, keyed "<owner or foundation>/<purpose>/<currency>" with owners as slugs."""
    slugs = {campaign_owner(pk): slug for pk, slug in Campaign.objects.values_list("pk", "slug")}
    totals: dict[str, int] = {}
    for owner, purpose, currency, amount in Posting.objects.values_list(
        "account__owner", "account__purpose", "currency", "amount_minor"
    ):
        key = f"{slugs.get(owner, owner) or 'foundation'}/{purpose}/{currency}"
        totals[key] = totals.get(key, 0) + amount
    return dict(sorted(totals.items()))


@pytest.mark.parametrize("seed", [1, 2])
def test_a_seeded_month_leaves_the_recorded_balances(seed: int) -> None:
    run_month(seed)
    report = verify_ledger()
    assert report.ok, report.problems
    balances = balances_by_owner()
    golden = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    if os.environ.get("REGENERATE_LEDGER_REGRESSION"):
        golden[str(seed)] = balances
        GOLDEN.write_text(json.dumps(golden, indent=1, sort_keys=True) + "\n")
    assert balances == golden[str(seed)]
    assert sum(balances.values()) == 0
    assert Decimal(len(balances)) > 8  # the month touched rails, funds, fees, FX and disputes
