"""Money staff received outside the site (cash, another platform, a transfer they book by hand).

The rail exists so that every channel has a provider and the same contract: nothing is
started (the money is already in hand; `donations.services.record_staff_donation` books
it with the staff member's name on it), no webhook ever arrives, and nothing can be sent
back automatically — staff return the money themselves and reverse the donation.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from solidarity.donations.models import Channel
from solidarity.payments.providers.base import ProviderEventData, RefundNotSupported, StartedPayment, WebhookRejected

if TYPE_CHECKING:
    from solidarity.core.money import Money
    from solidarity.donations.models import Donation


class StaffRecordedProvider:
    name = "staff"
    # Staff also book bank transfers by hand, but that channel is the bank rail's.
    channels: tuple[str, ...] = (Channel.CASH.value, Channel.OTHER_PLATFORM.value, Channel.OTHER.value)
    supports_refund = False
    supports_recurring = False
    receives_webhooks = False

    def start_payment(self, *, donation: Donation, language: str) -> StartedPayment:
        return StartedPayment()  # nothing to start: staff record money already received

    def parse_webhook(self, *, body: bytes, headers: Mapping[str, str]) -> ProviderEventData:
        raise WebhookRejected("Staff-recorded donations have no webhooks.")

    def refund(self, *, donation: Donation, amount: Money | None = None) -> str:
        raise RefundNotSupported(_("Money recorded by staff is returned by staff; then reverse the donation."))
