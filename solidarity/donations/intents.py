"""Donations started online by anonymous donors: pending until the money arrives."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.campaigns.models import Campaign, CampaignStatus
from solidarity.core.errors import DomainError, InvalidAmount, InvalidTransition
from solidarity.core.money import Money
from solidarity.core.shredding import new_data_key, open_text, seal_text, shred
from solidarity.donations.models import Channel, Donation, DonationStatus, Pledge, Recurrence
from solidarity.donations.receipts import hash_receipt_code, new_receipt_code
from solidarity.donations.references import new_creditor_reference
from solidarity.donations.services import validate_donation_amount
from solidarity.rates.exchange import exchange_rate

ONLINE_CHANNELS = (Channel.CARD, Channel.BANK_TRANSFER)
CARD_SESSION_HOURS = 24


@dataclass(frozen=True)
class DonationIntent:
    donation: Donation
    receipt_code: str
    pledge: Pledge | None = None
    manage_token: str = ""


def donor_currencies(campaign: Campaign) -> list[str]:
    """The campaign's currency first, then the other currencies a donor may pay in."""
    return [campaign.currency, *[c for c in settings.SOLIDARITY_DONOR_CURRENCIES if c != campaign.currency]]


def min_donation(currency: str) -> Money:
    return Money(settings.SOLIDARITY_MIN_DONATION, currency)


def create_donation_intent(
    *,
    campaign: Campaign,
    amount: Money,
    channel: str,
    recurrence: str = Recurrence.ONE_OFF,
    public_name: str = "",
    message: str = "",
    private_message: str = "",
    show_amount: bool = False,
) -> DonationIntent:
    """Create a pending donation (and for monthly giving a pending pledge: by card the rail
    collects the months; by bank transfer the pledge's reference is the standing order's,
    valid for every later transfer).

    Checks the campaign is open, the channel is an online one, the currency is offered and
    can be converted, and the amount is within limits. (Whether a rail is switched off is
    the rails' business: the donate page asks the payments app before calling this.) Returns
    the receipt code (and manage token) once; only their hashes are stored, plus an
    encrypted copy for card donations that the thank-you page shows once and then erases.
    """
    if campaign.status != CampaignStatus.ACTIVE:
        raise InvalidTransition(_("This collection is over; it no longer accepts donations."))
    if channel not in ONLINE_CHANNELS:
        raise DomainError(_("Unknown payment channel %(channel)s.") % {"channel": repr(channel)})
    if recurrence not in Recurrence.values:
        raise DomainError(_("Choose one-off or monthly."))
    if amount.currency not in donor_currencies(campaign):
        raise DomainError(
            _("Donations to this campaign can be made in %(currencies)s.")
            % {"currencies": ", ".join(donor_currencies(campaign))}
        )
    if amount < min_donation(amount.currency):
        raise InvalidAmount(_("The smallest donation is %(minimum)s.") % {"minimum": min_donation(amount.currency)})
    validate_donation_amount(amount)
    if amount.currency != campaign.currency:
        exchange_rate(amount.currency, campaign.currency, timezone.localdate())  # refuses if no rate is known

    code = new_receipt_code()
    token = secrets.token_urlsafe(24) if recurrence == Recurrence.MONTHLY else ""
    now = timezone.now()
    is_card = channel == Channel.CARD
    note = private_message.strip()[:1000]
    with transaction.atomic():
        message_key = new_data_key() if note else None
        secret_key = new_data_key() if is_card else None
        pledge = None
        if token:
            pledge = Pledge.objects.create(
                campaign=campaign,
                amount_minor=amount.minor,
                currency=amount.currency,
                channel=channel,
                manage_token_hash=hash_receipt_code(token),
            )
        donation = Donation.objects.create(
            campaign=campaign,
            amount_minor=amount.minor,
            currency=amount.currency,
            channel=channel,
            recurrence=recurrence,
            pledge=pledge,
            status=DonationStatus.PENDING,
            public_name=public_name.strip()[:80],
            message=message.strip()[:500],
            show_amount=show_amount and bool(public_name.strip() or message.strip()),
            private_message_sealed=seal_text(message_key, note) if message_key else "",
            message_key=message_key,
            receipt_code_hash=hash_receipt_code(code),
            sealed_secret=seal_text(secret_key, json.dumps({"receipt": code, "manage": token})) if secret_key else "",
            secret_key=secret_key,
            expires_at=now
            + (
                dt.timedelta(hours=CARD_SESSION_HOURS)
                if is_card
                else dt.timedelta(days=settings.SOLIDARITY_BANK_TRANSFER_DAYS)
            ),
        )
        if channel == Channel.BANK_TRANSFER:
            donation.bank_reference = new_creditor_reference(donation.pk)
            donation.save(update_fields=["bank_reference"])
            if pledge is not None:  # a standing order: the first month's reference, kept for good
                pledge.bank_reference = donation.bank_reference
                pledge.save(update_fields=["bank_reference"])
    return DonationIntent(donation=donation, receipt_code=code, pledge=pledge, manage_token=token)


def unseal_once(donation: Donation) -> tuple[str, str]:
    """Return (receipt code, manage token) and erase the stored copy: shown once only."""
    with transaction.atomic():
        locked = Donation.objects.select_for_update(of=("self",)).select_related("secret_key").get(pk=donation.pk)
        if not locked.sealed_secret or locked.secret_key_id is None:
            return "", ""
        secret = json.loads(open_text(locked.secret_key, locked.sealed_secret))
        _destroy_secret(locked)
    return secret.get("receipt", ""), secret.get("manage", "")


def _destroy_secret(locked: Donation) -> None:
    """Destroy the data key of the sealed receipt code: no copy of it opens any more."""
    key_id = locked.secret_key_id
    Donation.objects.filter(pk=locked.pk).update(sealed_secret="", secret_key=None)
    shred([key_id])


def expire_pending_donation(*, donation_id: int) -> bool:
    """A pending donation whose payment was abandoned or could not start: expired, its
    sealed secrets erased. Returns whether it was still pending."""
    with transaction.atomic():
        locked = Donation.objects.select_for_update().filter(pk=donation_id, status=DonationStatus.PENDING).first()
        if locked is None:
            return False
        Donation.objects.filter(pk=donation_id).update(status=DonationStatus.EXPIRED)
        _destroy_secret(locked)
    return True


def pending_transfer_donation(*, campaign: Campaign, amount: Money, actor: Any) -> Donation:
    """A pending anonymous bank-transfer donation for money that quoted no reference of ours
    (staff assign it to a campaign); the caller settles it with the money that came."""
    return Donation.objects.create(
        campaign=campaign,
        amount_minor=amount.minor,
        currency=amount.currency,
        channel=Channel.BANK_TRANSFER,
        status=DonationStatus.PENDING,
        receipt_code_hash=hash_receipt_code(new_receipt_code()),
        recorded_by=actor,
    )


def expire_pending_donations(*, now: dt.datetime | None = None) -> int:
    """Mark pending donations past their expiry as expired and erase their sealed secrets."""
    now = now or timezone.now()
    with transaction.atomic():
        due = Donation.objects.select_for_update().filter(status=DonationStatus.PENDING, expires_at__lt=now)
        keys = [key for key in due.values_list("secret_key_id", flat=True) if key is not None]
        count = due.update(status=DonationStatus.EXPIRED, sealed_secret="", secret_key=None)
        shred(keys)
    return count


def new_pledge_donation(pledge: Pledge) -> Donation:
    """A pending donation for the next month of a pledge; its receipt code is never shown
    (the donor follows the months on the pledge's manage page)."""
    return Donation.objects.create(
        campaign=pledge.campaign,
        amount_minor=pledge.amount_minor,
        currency=pledge.currency,
        channel=pledge.channel,
        recurrence=Recurrence.MONTHLY,
        pledge=pledge,
        status=DonationStatus.PENDING,
        receipt_code_hash=hash_receipt_code(new_receipt_code()),
    )
