"""Property: any sequence of recorded donations and reversals keeps every ledger invariant,
and campaign totals equal a straightforward recomputation from the operations."""

from __future__ import annotations

from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation, reverse_donation
from solidarity.ledger.selectors import collected_by_currency
from solidarity.ledger.verification import verify_ledger
from tests.factories import UserFactory, active_campaign

CURRENCIES = ["EUR", "USD", "PLN", "JPY"]

record = st.tuples(
    st.just("record"),
    st.integers(min_value=0, max_value=3),  # campaign index
    st.integers(min_value=1, max_value=5_000_000),  # minor units
    st.sampled_from(["cash", "bank_transfer", "other_platform", "other"]),
)
reverse = st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=1000))
operations = st.lists(st.one_of(record, reverse), min_size=1, max_size=25)


class LedgerPropertyTests(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations)
    def test_random_donations_and_reversals_keep_the_ledger_consistent(self, ops: list[tuple]) -> None:
        actor = UserFactory(username="prop", is_superuser=True)
        campaigns = [active_campaign(currency=cur, goal="100") for cur in CURRENCIES]
        paid: list = []
        expected_collected: dict[int, int] = defaultdict(int)
        expected_count: dict[int, int] = defaultdict(int)
        for op in ops:
            if op[0] == "record":
                _, index, minor, channel = op
                campaign = campaigns[index]
                money = Money.from_minor(minor if campaign.currency != "JPY" else minor // 100 + 1, campaign.currency)
                recorded = record_staff_donation(campaign=campaign, amount=money, channel=channel, actor=actor)
                paid.append(recorded.donation)
                expected_collected[campaign.pk] += money.minor
                expected_count[campaign.pk] += 1
            elif paid:
                donation = paid.pop(op[1] % len(paid))
                reverse_donation(donation=donation, actor=actor, reason="property test")
                expected_collected[donation.campaign_id] -= donation.amount_minor
                expected_count[donation.campaign_id] -= 1

        report = verify_ledger()
        assert report.ok, report.problems
        by_currency: dict[str, int] = defaultdict(int)
        for campaign in campaigns:
            totals = campaign_totals(campaign)
            assert totals.collected.minor == expected_collected[campaign.pk]
            assert totals.balance.minor == expected_collected[campaign.pk]
            assert totals.donations == expected_count[campaign.pk]
            by_currency[campaign.currency] += expected_collected[campaign.pk]
        assert {m.currency: m.minor for m in collected_by_currency()} == {c: v for c, v in by_currency.items() if v}
