"""Monthly gifts (pledges): their state as the card rail reports it and as the donor changes it.

The rail that collects the months (the payments app's subscriptions) is asked first,
outside any transaction; these services then record what it did.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.core.amount_input import parse_amount
from solidarity.core.errors import DomainError, InvalidAmount
from solidarity.core.formatting import format_money
from solidarity.core.money import Money
from solidarity.donations.intents import min_donation
from solidarity.donations.models import Pledge, PledgeStatus
from solidarity.donations.services import max_donation, validate_donation_amount


def activate_pledge(*, pledge_id: int, subscription_id: str) -> Pledge | None:
    """The rail collects this pledge under `subscription_id` (kept if it had none) and a
    pending pledge becomes active. Returns the pledge, or None if there is none."""
    with transaction.atomic():
        if subscription_id:
            Pledge.objects.filter(pk=pledge_id, provider_subscription_id__isnull=True).update(
                provider_subscription_id=subscription_id
            )
        Pledge.objects.filter(pk=pledge_id, status=PledgeStatus.PENDING).update(status=PledgeStatus.ACTIVE)
    return Pledge.objects.filter(pk=pledge_id).select_related("campaign").first()


def end_pledges_of_subscription(*, subscription_id: str) -> int:
    """The rail stopped collecting a subscription: its pledge is cancelled. Returns how many changed."""
    with transaction.atomic():
        return (
            Pledge.objects.filter(provider_subscription_id=subscription_id)
            .exclude(status=PledgeStatus.CANCELLED)
            .update(status=PledgeStatus.CANCELLED, cancelled_at=timezone.now())
        )


def check_cancellable(*, pledge: Pledge) -> None:
    """Raise DomainError unless the donor may cancel this monthly gift."""
    if pledge.status == PledgeStatus.CANCELLED:
        raise DomainError(_("This monthly gift is already cancelled."))


def record_pledge_cancelled(*, pledge: Pledge) -> Pledge:
    """The donor cancelled the monthly gift (the rail, if it collected one, has stopped)."""
    with transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(status=PledgeStatus.CANCELLED, cancelled_at=timezone.now())
    pledge.refresh_from_db()
    return pledge


def checked_pledge_amount(*, pledge: Pledge, amount_text: str) -> Money:
    """The new monthly amount the donor typed, validated (same currency); DomainError if not."""
    if pledge.status != PledgeStatus.ACTIVE or not pledge.provider_subscription_id:
        raise DomainError(_("Only an active monthly gift can be changed."))
    # Read as the donor's page writes numbers: "5,000" is never silently five.
    amount = parse_amount(amount_text, pledge.currency, maximum=max_donation(pledge.currency))
    if amount < min_donation(amount.currency):
        raise InvalidAmount(
            _("The smallest donation is %(minimum)s.") % {"minimum": format_money(min_donation(amount.currency))}
        )
    validate_donation_amount(amount)
    return amount


def record_pledge_amount(*, pledge: Pledge, amount: Money) -> Pledge:
    """The monthly amount from the next payment on (the rail already collects it)."""
    with transaction.atomic():
        Pledge.objects.filter(pk=pledge.pk).update(amount_minor=amount.minor)
    pledge.refresh_from_db()
    return pledge
