"""What each Stripe event does to donations, pledges and the ledger.

`prepare_stripe_event` asks Stripe what an event leaves out (the fee, an invoice's
payment) before the event's database transaction opens. Each handler runs inside that
transaction (see events.apply_stored) and returns the event's state: applied, ignored
(nothing to do) or waiting (an earlier event it depends on has not arrived yet).

Handlers change no donation themselves: what Stripe reports becomes a neutral outcome
(`donations.outcomes`: payment succeeded, refunded, disputed, dispute closed) that the
donation services book, under keys built from Stripe's ids, so the same payment reported
by two events is booked once; pledges and expiries go through donation services too, and
the card payment's own row through `payments.card_payments`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import cast

from django.db.models import Q
from django.utils import timezone

from solidarity.core.errors import CurrencyMismatch, DomainError
from solidarity.core.money import Money
from solidarity.donations import pledges
from solidarity.donations.intents import expire_pending_donation, new_pledge_donation
from solidarity.donations.models import Channel, Donation, DonationStatus, Pledge
from solidarity.donations.outcomes import (
    DisputeClosed,
    PaymentDisputed,
    PaymentRefunded,
    PaymentSucceeded,
    record_outcome,
)
from solidarity.donations.settlement import lock_donation
from solidarity.payments.card_payments import record_card_dispute, record_card_ids, record_card_refunded
from solidarity.payments.card_testing import record_card_outcome
from solidarity.payments.events import RetryLater
from solidarity.payments.models import CardPayment, ProviderEvent
from solidarity.payments.providers.base import ProviderEventData
from solidarity.payments.providers.registry import get_provider
from solidarity.payments.providers.stripe import StripeProvider

State = ProviderEvent.State
CARD = Channel.CARD
SETTLING = {"checkout.session.completed", "payment_intent.succeeded", "invoice.paid"}


def prepare_stripe_event(data: ProviderEventData) -> ProviderEventData:
    """The event completed with what Stripe must be asked: an invoice's payment, the fee.

    Calls Stripe, so it never runs inside a database transaction. A missing fee is booked
    without it; an invoice whose payment cannot be found raises RetryLater.
    """
    provider = cast(StripeProvider, get_provider("stripe"))  # the look-ups below are Stripe's own
    if data.type == "invoice.paid" and not data.payment_intent_id:
        found = provider.fetch_invoice_payment(invoice_id=data.invoice_id)
        if found is None:
            raise RetryLater(f"could not look up the payment of invoice {data.invoice_id}")
        intent, charge, fee = found
        return dataclasses.replace(data, payment_intent_id=intent, charge_id=charge, fee_minor=fee)
    if data.type not in SETTLING or data.fee_minor is not None:
        return data
    if data.type == "checkout.session.completed" and data.extra.get("mode") == "subscription":
        return data
    if not (data.charge_id or data.payment_intent_id):
        return data
    charge_id, fee = provider.fetch_fee(payment_intent_id=data.payment_intent_id, charge_id=data.charge_id)
    return dataclasses.replace(data, charge_id=charge_id or data.charge_id, fee_minor=fee)


def _day(data: ProviderEventData) -> dt.date:
    if data.created:
        return dt.datetime.fromtimestamp(data.created, tz=dt.UTC).date()
    return timezone.localdate()


def on_payment_failed(data: ProviderEventData) -> str:
    record_card_outcome(succeeded=False)
    return State.IGNORED


def _settle(data: ProviderEventData, donation: Donation, key: str) -> str:
    if data.amount_minor is None or not data.currency:
        return State.IGNORED
    if data.currency != donation.currency:
        # Stripe charges the currency the checkout named: another one is not this payment.
        raise CurrencyMismatch(f"Stripe reports {data.currency}; donation #{donation.pk} is in {donation.currency}.")
    received = Money.from_minor(data.amount_minor, data.currency)
    fee = Money.from_minor(data.fee_minor, data.currency) if data.fee_minor else None
    # Wait for any other event about this payment that is being applied right now.
    donation = lock_donation(donation_id=donation.pk)
    if donation.status == DonationStatus.PAID:
        return State.IGNORED  # the other event for the same payment came first
    record_outcome(
        PaymentSucceeded(donation=donation, received=received, on=_day(data), channel=CARD, key=key, fee=fee)
    )
    # The ids this event names, over the row the checkout started, or a new row. The
    # donation is locked (above) until this transaction ends: no race here.
    ids = {
        name: getattr(data, name) for name in ("payment_intent_id", "charge_id", "invoice_id") if getattr(data, name)
    }
    record_card_ids(donation=donation, fee_minor=data.fee_minor, ids=ids)
    record_card_outcome(succeeded=True)
    return State.APPLIED


def _donation_for(data: ProviderEventData) -> Donation | None:
    """The donation an event is about, from the random reference we gave Stripe.

    Events about payments started before references existed carry our donation id
    instead; it is believed only for a donation whose card payment has no reference (one
    started before), never to reach a donation started since.
    """
    if data.reference:
        card = CardPayment.objects.filter(reference=data.reference).select_related("donation__campaign").first()
        return card.donation if card else None
    if not data.donation_id:
        return None
    return (
        Donation.objects.filter(pk=data.donation_id)
        .exclude(card_payment__reference__isnull=False)
        .select_related("campaign")
        .first()
    )


def _pledge_id_for(data: ProviderEventData) -> int | None:
    """The pledge an event is about: the pledge of the donation its reference names (the
    first month's), or, for pledges started before references existed, the id it carries."""
    if data.reference:
        donation = _donation_for(data)
        return donation.pledge_id if donation else None
    if not data.pledge_id:
        return None
    started_with_reference = CardPayment.objects.filter(
        donation__pledge_id=data.pledge_id, reference__isnull=False
    ).exists()
    return None if started_with_reference else data.pledge_id


def _payment_key(data: ProviderEventData) -> str:
    return f"stripe:payment:{data.payment_intent_id or data.checkout_session_id}"


def on_checkout_completed(data: ProviderEventData) -> str:
    donation = _donation_for(data)
    if donation is None:
        return State.IGNORED
    if data.extra.get("mode") == "subscription":
        pledge_id = _pledge_id_for(data)
        if pledge_id and data.subscription_id:
            pledges.activate_pledge(pledge_id=pledge_id, subscription_id=data.subscription_id)
        return State.APPLIED
    if data.status != "paid":
        return State.IGNORED  # an asynchronous method; payment_intent.succeeded will follow
    return _settle(data, donation, _payment_key(data))


def on_payment_intent_succeeded(data: ProviderEventData) -> str:
    if not (data.reference or data.donation_id):
        return State.IGNORED  # an invoice's payment: invoice.paid books it
    donation = _donation_for(data)
    if donation is None or donation.recurrence == "monthly":
        return State.IGNORED
    return _settle(data, donation, _payment_key(data))


def on_invoice_paid(data: ProviderEventData) -> str:
    pledge = None
    pledge_id = _pledge_id_for(data)
    if pledge_id:
        pledge = Pledge.objects.filter(pk=pledge_id).select_related("campaign").first()
    if pledge is None and data.subscription_id:
        pledge = Pledge.objects.filter(provider_subscription_id=data.subscription_id).select_related("campaign").first()
    if pledge is None or not data.invoice_id:
        return State.IGNORED
    if CardPayment.objects.filter(invoice_id=data.invoice_id).exists():
        return State.IGNORED
    pledge = pledges.activate_pledge(pledge_id=pledge.pk, subscription_id=data.subscription_id) or pledge
    first = None
    first_donation = _donation_for(data) if data.billing_reason == "subscription_create" else None
    if first_donation is not None:
        first = pledge.donations.filter(
            pk=first_donation.pk, status__in=[DonationStatus.PENDING, DonationStatus.EXPIRED]
        ).first()
    donation = first or new_pledge_donation(pledge)
    return _settle(data, donation, f"stripe:invoice:{data.invoice_id}")


def _card_for(data: ProviderEventData) -> CardPayment | None:
    """The card payment an event is about, locked until the event's transaction ends.

    Refunds and disputes compute what changed from the row's running state (refunded so
    far, dispute state): two events for one charge applied at once must take turns, or
    both would book the same difference. Only this row is locked (`of=("self",)`), never
    the donation's campaign, so other donations go on undisturbed.
    """
    query = Q()
    if data.charge_id:
        query |= Q(charge_id=data.charge_id)
    if data.payment_intent_id:
        query |= Q(payment_intent_id=data.payment_intent_id)
    if not query:
        return None
    return (
        CardPayment.objects.select_for_update(of=("self",))
        .filter(query)
        .select_related("donation__campaign")
        .order_by("pk")
        .first()
    )


def on_charge_refunded(data: ProviderEventData) -> str:
    card = _card_for(data)
    if card is None:
        return State.WAITING
    total = data.amount_refunded_minor or 0
    delta = total - card.refunded_minor
    if delta <= 0:
        return State.IGNORED  # an older, smaller cumulative total arriving late
    record_outcome(
        PaymentRefunded(
            donation=card.donation,
            amount=Money.from_minor(delta, card.donation.currency),
            channel=CARD,
            key=f"stripe:refund:{card.charge_id or card.payment_intent_id}:{total}",
            on=_day(data),
        )
    )
    record_card_refunded(card=card, refunded_minor=total, charge_id=data.charge_id)
    return State.APPLIED


def _disputed(data: ProviderEventData, card: CardPayment) -> Money:
    donation = card.donation
    return Money.from_minor(
        data.amount_minor if data.amount_minor is not None else donation.amount_minor, donation.currency
    )


def _hold(data: ProviderEventData, card: CardPayment) -> PaymentDisputed:
    return PaymentDisputed(
        donation=card.donation, amount=_disputed(data, card), key=f"stripe:dispute:{data.dispute_id}:hold"
    )


def on_dispute_created(data: ProviderEventData) -> str:
    card = _card_for(data)
    if card is None:
        return State.WAITING
    if card.dispute_state in ("won", "lost"):
        return State.IGNORED  # the closing event came first and settled it
    try:
        record_outcome(_hold(data, card))
    except DomainError:
        return State.WAITING  # refunds that must come first have not arrived yet
    record_card_dispute(card=card, dispute_id=data.dispute_id, state="held")
    return State.APPLIED


def on_dispute_closed(data: ProviderEventData) -> str:
    card = _card_for(data)
    if card is None:
        return State.WAITING
    lost = data.status == "lost"
    if card.dispute_state != "held":
        # Closed before (or without) the hold being booked: book it now, then close.
        try:
            record_outcome(_hold(data, card))
        except DomainError:
            return State.WAITING
    record_outcome(
        DisputeClosed(
            donation=card.donation,
            amount=_disputed(data, card),
            key=f"stripe:dispute:{data.dispute_id}:closed",
            lost=lost,
        )
    )
    record_card_dispute(card=card, dispute_id=data.dispute_id, state="lost" if lost else "won")
    return State.APPLIED


def on_checkout_expired(data: ProviderEventData) -> str:
    donation = _donation_for(data)
    if donation is None:
        return State.IGNORED
    changed = expire_pending_donation(donation_id=donation.pk)
    return State.APPLIED if changed else State.IGNORED


def on_subscription_deleted(data: ProviderEventData) -> str:
    changed = pledges.end_pledges_of_subscription(subscription_id=data.subscription_id)
    return State.APPLIED if changed else State.IGNORED


HANDLERS: dict[str, Callable[[ProviderEventData], str]] = {
    "checkout.session.completed": on_checkout_completed,
    "checkout.session.expired": on_checkout_expired,
    "payment_intent.succeeded": on_payment_intent_succeeded,
    "invoice.paid": on_invoice_paid,
    "charge.refunded": on_charge_refunded,
    "charge.dispute.created": on_dispute_created,
    "charge.dispute.closed": on_dispute_closed,
    "customer.subscription.deleted": on_subscription_deleted,
    "payment_intent.payment_failed": on_payment_failed,
}


def handle_stripe_event(data: ProviderEventData) -> str:
    handler = HANDLERS.get(data.type)
    return handler(data) if handler else State.IGNORED
