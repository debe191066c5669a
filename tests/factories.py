"""factory-boy factories for the domain; services are used wherever money moves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import factory
from django.contrib.auth import get_user_model

from solidarity.campaigns import services as campaign_services
from solidarity.campaigns.models import Beneficiary, Campaign, Need, TimelineEvent
from solidarity.core.money import Money


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")


class BeneficiaryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Beneficiary

    public_name_en = factory.Sequence(lambda n: f"Prisoner {n}")
    status = "pre_trial"
    bio_en = "A public bio."
    charges_en = "Article 342 of the Criminal Code"


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimelineEvent

    beneficiary = factory.SubFactory(BeneficiaryFactory)
    date = factory.Faker("date_between", start_date="-3y", end_date="today")
    kind = "detained"
    place_en = "Minsk"


class CampaignFactory(factory.django.DjangoModelFactory):
    """A draft campaign; use `active_campaign()` for one that accepts donations."""

    class Meta:
        model = Campaign

    slug = factory.Sequence(lambda n: f"campaign-{n}")
    title_en = factory.Sequence(lambda n: f"Help for prisoner {n}")
    story_en = "A story."
    beneficiary = factory.SubFactory(BeneficiaryFactory)
    currency = "EUR"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    campaign = factory.SubFactory(CampaignFactory)
    category = "legal_aid"
    description_en = "Lawyer"
    amount_minor = 50000
    currency = factory.LazyAttribute(lambda o: o.campaign.currency)


def active_campaign(*, currency: str = "EUR", goal: str = "1000", **kwargs: Any) -> Campaign:
    """A published campaign with one need of `goal` in `currency`."""
    campaign = CampaignFactory(currency=currency, **kwargs)
    campaign_services.add_need(
        campaign=campaign, category="legal_aid", description="Lawyer", amount=Money(Decimal(goal), currency)
    )
    campaign_services.submit_for_review(campaign=campaign)
    return campaign_services.publish_campaign(campaign=campaign)


def staff_with_role(role: str, username: str | None = None) -> Any:
    """A staff user in one role group (as created by migrate), not a superuser."""
    from django.contrib.auth.models import Group

    from solidarity.staff.roles import ensure_role_groups

    ensure_role_groups()
    user = UserFactory(username=username or f"{role}-user")
    user.groups.add(Group.objects.get(name=role))
    return user


def cash_then_payout(*, actor: Any, donated: str = "90", paid: str = "40.50") -> tuple[Campaign, Any, Any]:
    """An active EUR campaign given `donated` in cash, then a payout of `paid` to a lawyer from
    it, both recorded by `actor` (a finance member): (campaign, donation, payout)."""
    import datetime as dt

    from solidarity.disbursements.services import record_disbursement
    from solidarity.donations.services import record_staff_donation

    campaign = active_campaign()
    donation = record_staff_donation(
        campaign=campaign, amount=Money(Decimal(donated), "EUR"), channel="cash", actor=actor
    ).donation
    payout = record_disbursement(
        need=campaign.needs.first(),
        payee_category="lawyer",
        amount=Money(Decimal(paid), "EUR"),
        paid_on=dt.date.today(),
        public_description="Lawyer's fee",
        actor=actor,
    )
    return campaign, donation, payout
