"""Monthly gifts at the rail that collects them: the donor cancels or changes the amount.

The rail is asked first, outside any transaction; donations then records what it did
(`solidarity.donations.pledges`).
"""

from __future__ import annotations

from solidarity.donations import pledges
from solidarity.donations.models import Channel, Pledge
from solidarity.payments.providers.registry import recurring_provider


def cancel_monthly_gift(*, pledge: Pledge) -> Pledge:
    """Stop a monthly gift: at the processor first (outside any transaction), then here."""
    pledges.check_cancellable(pledge=pledge)
    if pledge.provider_subscription_id:
        recurring_provider(Channel.CARD).cancel_subscription(subscription_id=pledge.provider_subscription_id)
    return pledges.record_pledge_cancelled(pledge=pledge)


def change_monthly_amount(*, pledge: Pledge, amount_text: str) -> Pledge:
    """Change the monthly amount from the next payment on (same currency)."""
    amount = pledges.checked_pledge_amount(pledge=pledge, amount_text=amount_text)
    recurring_provider(Channel.CARD).change_subscription_amount(
        subscription_id=str(pledge.provider_subscription_id), amount=amount
    )
    return pledges.record_pledge_amount(pledge=pledge, amount=amount)
