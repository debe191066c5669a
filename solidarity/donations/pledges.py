"""Monthly gifts managed by the donor through the secret link: cancel or change the amount."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from solidarity.core.errors import DomainError, InvalidAmount
from solidarity.core.money import parse_money
from solidarity.donations.intents import min_donation
from solidarity.donations.models import Pledge, PledgeStatus
from solidarity.donations.services import validate_donation_amount
from solidarity.payments.providers.stripe import StripeProvider


def cancel_pledge(*, pledge: Pledge) -> Pledge:
    """Stop a monthly gift: at the processor first (outside any transaction), then here."""
    if pledge.status == PledgeStatus.CANCELLED:
        raise DomainError("This monthly gift is already cancelled.")
    if pledge.provider_subscription_id:
        StripeProvider().cancel_subscription(subscription_id=pledge.provider_subscription_id)
    with transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(status=PledgeStatus.CANCELLED, cancelled_at=timezone.now())
    pledge.refresh_from_db()
    return pledge


def change_pledge_amount(*, pledge: Pledge, amount_text: str) -> Pledge:
    """Change the monthly amount from the next payment on (same currency)."""
    if pledge.status != PledgeStatus.ACTIVE or not pledge.provider_subscription_id:
        raise DomainError("Only an active monthly gift can be changed.")
    amount = parse_money(amount_text, pledge.currency)
    if amount < min_donation(amount.currency):
        raise InvalidAmount(f"The smallest donation is {min_donation(amount.currency)}.")
    validate_donation_amount(amount)
    StripeProvider().change_subscription_amount(
        subscription_id=pledge.provider_subscription_id, amount=amount, pledge_id=pledge.pk
    )
    with transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(amount_minor=amount.minor)
    pledge.refresh_from_db()
    return pledge
