from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from solidarity.campaigns import services
from solidarity.campaigns.models import CampaignStatus, CampaignTransition
from solidarity.core.errors import CurrencyMismatch, InvalidAmount, InvalidTransition
from solidarity.core.money import Money
from solidarity.staff.models import AuditEntry
from tests.factories import CampaignFactory, active_campaign

pytestmark = pytest.mark.django_db


def test_full_life_cycle_records_who_and_when(staff_user) -> None:
    campaign = CampaignFactory()
    services.add_need(
        campaign=campaign,
        category="legal_aid",
        description="Lawyer",
        amount=Money(Decimal(500), "EUR"),
        actor=staff_user,
    )
    for step in (
        services.submit_for_review,
        services.publish_campaign,
        services.close_campaign,
        services.mark_reported,
        services.archive_campaign,
    ):
        campaign = step(campaign=campaign, actor=staff_user)
    assert campaign.status == CampaignStatus.ARCHIVED
    assert campaign.published_at is not None and campaign.closed_at is not None
    assert campaign.status_changed_by == staff_user
    steps = list(CampaignTransition.objects.filter(campaign=campaign).values_list("from_status", "to_status"))
    assert steps == [
        ("draft", "in_review"),
        ("in_review", "active"),
        ("active", "closed"),
        ("closed", "reported"),
        ("reported", "archived"),
    ]
    assert AuditEntry.objects.filter(action="campaign.closed", actor=staff_user, target_id=str(campaign.pk)).exists()


def test_closing_a_draft_is_refused_and_changes_nothing() -> None:
    campaign = CampaignFactory()
    with pytest.raises(InvalidTransition, match="draft cannot become closed"):
        services.close_campaign(campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert not CampaignTransition.objects.exists()


def test_publishing_without_needs_is_refused() -> None:
    campaign = CampaignFactory()
    with pytest.raises(InvalidTransition, match="at least one itemized need"):
        services.submit_for_review(campaign=campaign)
    assert campaign.status == CampaignStatus.DRAFT


def test_publishing_skipping_review_is_refused() -> None:
    campaign = CampaignFactory()
    services.add_need(campaign=campaign, category="medical", description="Doctor", amount=Money(Decimal(5), "EUR"))
    with pytest.raises(InvalidTransition):
        services.publish_campaign(campaign=campaign)


def test_need_in_another_currency_or_not_positive_is_refused() -> None:
    campaign = CampaignFactory(currency="EUR")
    with pytest.raises(CurrencyMismatch):
        services.add_need(campaign=campaign, category="medical", description="x", amount=Money(Decimal(5), "USD"))
    with pytest.raises(InvalidAmount):
        services.add_need(campaign=campaign, category="medical", description="x", amount=Money(Decimal(0), "EUR"))
    assert not campaign.needs.exists()


def test_goal_is_the_sum_of_needs() -> None:
    campaign = CampaignFactory(currency="PLN")
    services.add_need(campaign=campaign, category="medical", description="a", amount=Money(Decimal("100.50"), "PLN"))
    services.add_need(
        campaign=campaign, category="other", description="b", amount=Money(Decimal("20"), "PLN"), recurrence="monthly"
    )
    assert campaign.goal == Money(Decimal("120.50"), "PLN")


def test_campaigns_past_their_deadline_are_closed() -> None:
    due = active_campaign(deadline=dt.date(2026, 1, 1))
    later = active_campaign(deadline=dt.date(2030, 1, 1))
    closed = services.close_due_campaigns(today=dt.date(2026, 6, 1))
    assert [c.pk for c in closed] == [due.pk]
    later.refresh_from_db()
    assert later.status == CampaignStatus.ACTIVE
