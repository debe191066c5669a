"""A seeded random few weeks of money across three campaigns, driven through the services:
staff and card donations in several currencies (FX at ECB-style rates), processor fees,
partial and full refunds, won and lost disputes, reversed donations, payouts (some above
the threshold, approved by a second person, some reversed) and a bank statement whose
lines pay bank-transfer donations by their RF reference (spaced, lower case) or nothing.

Modelled on tests/ledger/test_ledger_regression.py, but spread over days so that a period
cuts through it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from solidarity.campaigns.funds import campaign_fund, campaign_owner
from solidarity.campaigns.models import Campaign
from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.disbursements.models import DisbursementStatus
from solidarity.disbursements.services import approve_disbursement, record_disbursement, reverse_disbursement
from solidarity.donations import settlement
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import Donation
from solidarity.donations.services import record_staff_donation, reverse_donation
from solidarity.ledger.models import AccountPurpose, TransactionKind
from solidarity.ledger.services import get_account, post_transaction
from solidarity.payments.reconciliation import import_statement
from solidarity.rates.models import ExchangeRate
from tests.factories import UserFactory, active_campaign, staff_with_role
from tests.payments.camt_builder import camt

RATES = {"USD": "1.0163", "PLN": "4.7830", "JPY": "161.12"}
CAMPAIGN_CURRENCIES = ["EUR", "PLN", "JPY"]
DONOR_CURRENCIES = ["EUR", "USD", "PLN"]  # what the donate form offers
DAYS = 21


@dataclass
class Scenario:
    today: dt.date
    campaigns: list[Campaign]
    payer_texts: list[str] = field(default_factory=list)  # what must never reach an export


def _spaced(reference: str, rng: random.Random) -> str:
    """The reference as a donor might type it: groups of four or none, any case."""
    text = " ".join(reference[i : i + 4] for i in range(0, len(reference), 4)) if rng.random() < 0.5 else reference
    return text.lower() if rng.random() < 0.5 else text


def run_scenario(seed: int, steps: int = 90) -> Scenario:
    """Drive the services; refused steps (more than is left, nothing held…) are skipped."""
    rng = random.Random(seed)
    today = timezone.localdate()
    days = [today - dt.timedelta(days=k) for k in range(DAYS)]
    actor = UserFactory(username=f"books-{seed}", is_superuser=True)
    approver = staff_with_role("finance", username=f"approver-{seed}")
    for k in range(DAYS + 1):  # a rate a day, moving a little, as the ECB's do
        for currency, per_euro in RATES.items():
            moved = Decimal(per_euro) * (1 + Decimal(k) / 1000)
            ExchangeRate.objects.create(day=today - dt.timedelta(days=k), currency=currency, per_euro=moved)
    campaigns = [
        active_campaign(currency=cur, goal="100000", slug=f"books-{seed}-{cur.lower()}") for cur in CAMPAIGN_CURRENCIES
    ]
    scenario = Scenario(today=today, campaigns=campaigns)
    staff_paid: list[Donation] = []
    card_paid: list[Donation] = []
    payouts: list[Any] = []
    bank_entries: list[dict[str, str]] = []
    for step in range(steps):
        campaign = rng.choice(campaigns)
        day = rng.choice(days)
        roll = rng.random()
        try:
            if roll < 0.22:
                amount = Money.from_minor(rng.randrange(100, 500_000), campaign.currency)
                channel = rng.choice(["cash", "bank_transfer", "other_platform", "other"])
                staff_paid.append(
                    record_staff_donation(
                        campaign=campaign, amount=amount, channel=channel, actor=actor, received_on=day
                    ).donation
                )
            elif roll < 0.47:
                currency = rng.choice(DONOR_CURRENCIES)
                amount = Money.from_minor(rng.randrange(500, 300_000), currency)
                donation = create_donation_intent(campaign=campaign, amount=amount, channel="card").donation
                settlement.settle_donation(
                    donation=donation,
                    received=amount,
                    settled_on=day,
                    asset=AccountPurpose.CARD_PROCESSOR,
                    key=f"pay-{seed}-{step}",
                    fee=Money.from_minor(rng.randrange(0, 90), currency),
                )
                card_paid.append(donation)
            elif roll < 0.57:
                eur = campaigns[0]
                amount = Money.from_minor(rng.randrange(500, 90_000), "EUR")
                donation = create_donation_intent(campaign=eur, amount=amount, channel="bank_transfer").donation
                assert donation.bank_reference
                payer = f"Payer {seed} {step}"
                bank_entries.append(
                    {
                        "amount": str(amount.amount),
                        "day": day.isoformat(),
                        "text": f"Gift {_spaced(donation.bank_reference, rng)}",
                        "payer": payer,
                        "bank_ref": f"B{seed}-{step}",
                    }
                )
                scenario.payer_texts.append(payer)
            elif roll < 0.65 and card_paid:
                donation = rng.choice(card_paid)
                part = Money.from_minor(max(1, donation.amount_minor // rng.choice([1, 2, 3])), donation.currency)
                on = max(day, donation.received_on or day)
                settlement.return_money(
                    donation=donation,
                    amount=part,
                    asset=AccountPurpose.CARD_PROCESSOR,
                    key=f"refund-{seed}-{step}",
                    on=on,
                )
            elif roll < 0.72 and card_paid:
                donation = rng.choice(card_paid)
                settlement.hold_disputed(donation=donation, amount=donation.money, key=f"hold-{seed}-{step}")
                if rng.random() < 0.7:
                    settlement.close_dispute(
                        donation=donation, amount=donation.money, key=f"close-{seed}-{step}", lost=rng.random() < 0.5
                    )
            elif roll < 0.78 and staff_paid:
                donation = staff_paid.pop(rng.randrange(len(staff_paid)))
                reverse_donation(donation=donation, actor=actor, reason="recorded twice")
            elif roll < 0.8 and payouts:
                payout = payouts.pop(rng.randrange(len(payouts)))
                reverse_disbursement(disbursement=payout, actor=actor, reason="paid to the wrong account")
            else:
                need = campaign.needs.first()
                top = 80_000 if campaign.currency != "JPY" else 8_000_000
                payout = record_disbursement(
                    need=need,
                    payee_category=rng.choice(["lawyer", "family", "vendor"]),
                    amount=Money.from_minor(rng.randrange(100, top), campaign.currency),
                    paid_on=day,
                    public_description="Lawyer's fees",
                    actor=actor,
                )
                if payout.status == DisbursementStatus.AWAITING_APPROVAL:
                    payout = approve_disbursement(disbursement=payout, actor=approver)
                payouts.append(payout)
        except DomainError:
            pass
    # A correction booked straight in the ledger (no domain row): the balances' `other` column.
    for k, campaign in enumerate(campaigns):
        post_transaction(
            kind=TransactionKind.ADJUSTMENT,
            owner=campaign_owner(campaign),
            lines=[
                (
                    get_account(purpose=AccountPurpose.BANK, currency=campaign.currency),
                    Money(Decimal(3), campaign.currency),
                ),
                (campaign_fund(campaign), -Money(Decimal(3), campaign.currency)),
            ],
            occurred_on=days[5 * k],
            memo="Bank interest credited to the fund",
        )
    bank_entries.append(
        {"amount": "12.34", "day": days[3].isoformat(), "text": "Rent share December", "payer": "Olga Nonmatch"}
    )
    scenario.payer_texts += ["Olga Nonmatch", "Rent share", "LT121000011101001000"]
    import_statement(data=camt(bank_entries, msg=f"BOOKS-{seed}"), actor=actor, filename="books.xml")
    return scenario
