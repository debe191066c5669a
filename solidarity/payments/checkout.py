"""Starting an online donation on a rail: the one path the public donate page takes.

The donation itself is made by donations (`create_donation_intent`); this module adds
what only the rails know — whether a rail is switched off, and sending the donor to it —
and asks the registry which rail serves the chosen channel.
"""

from __future__ import annotations

from solidarity.campaigns.models import Campaign
from solidarity.core.errors import NotAllowed
from solidarity.core.money import Money
from solidarity.donations.intents import DonationIntent, create_donation_intent, expire_pending_donation
from solidarity.donations.models import Channel, Donation, Recurrence
from solidarity.payments.card_payments import record_checkout_session
from solidarity.payments.channels import channel_enabled
from solidarity.payments.providers.base import ProviderUnavailable, StartedPayment
from solidarity.payments.providers.registry import provider_for_channel


def open_online_donation(
    *,
    campaign: Campaign,
    amount: Money,
    channel: str,
    recurrence: str = Recurrence.ONE_OFF,
    public_name: str = "",
    message: str = "",
    private_message: str = "",
) -> DonationIntent:
    """A pending donation on a rail that is switched on (NotAllowed otherwise)."""
    if not channel_enabled(channel):
        raise NotAllowed("This payment channel is switched off for now; please choose another one.")
    return create_donation_intent(
        campaign=campaign,
        amount=amount,
        channel=channel,
        recurrence=recurrence,
        public_name=public_name,
        message=message,
        private_message=private_message,
    )


def start_payment(*, donation: Donation, language: str) -> StartedPayment:
    """Send a pending donation to its rail (outside any transaction: it may call the rail).

    If the rail cannot start it, the donation expires and ProviderUnavailable propagates.
    A card checkout's session id is kept so the thank-you page can find the donation.
    """
    provider = provider_for_channel(donation.channel)
    try:
        started = provider.start_payment(donation=donation, language=language)
    except ProviderUnavailable:
        expire_pending_donation(donation_id=donation.pk)
        raise
    if donation.channel == Channel.CARD and started.session_id:
        record_checkout_session(donation=donation, session_id=started.session_id)
    return started
