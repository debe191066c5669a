"""Sending a pending online donation to its rail: the path the public donate page takes.

The donation itself is made by donations (`create_donation_intent`, once
`channels.require_channel_on` has said the rail is on); this module asks the registry
which rail serves the donation's channel and starts the payment there.
"""

from __future__ import annotations

from solidarity.donations.intents import expire_pending_donation
from solidarity.donations.models import Channel, Donation
from solidarity.payments.card_payments import record_checkout_session
from solidarity.payments.providers.base import ProviderUnavailable, StartedPayment
from solidarity.payments.providers.registry import provider_for_channel


def start_payment(*, donation: Donation, language: str) -> StartedPayment:
    """Send a pending donation to its rail (outside any transaction: it may call the rail).

    If the rail cannot start it, the donation expires and ProviderUnavailable propagates.
    A card checkout's session id, the opaque reference the processor holds and the hashes
    of the donor's thank-you and cancel tokens are kept before the donor is sent away.
    """
    provider = provider_for_channel(donation.channel)
    try:
        started = provider.start_payment(donation=donation, language=language)
    except ProviderUnavailable:
        expire_pending_donation(donation_id=donation.pk)
        raise
    if donation.channel == Channel.CARD and started.session_id:
        record_checkout_session(
            donation=donation,
            session_id=started.session_id,
            reference=started.reference,
            thanks_token=started.thanks_token,
            cancel_token=started.cancel_token,
        )
    return started
