"""Incoming provider webhooks. Verified over the raw body, stored once, applied atomically.

Not wrapped in a database transaction as a whole: the fee look-up calls Stripe, and no call
to Stripe happens inside a database transaction.
"""

from __future__ import annotations

import dataclasses
import logging

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from solidarity.core.errors import DomainError
from solidarity.payments.events import apply_event, retry_waiting
from solidarity.payments.models import ProviderEvent
from solidarity.payments.providers.base import ProviderEventData, WebhookRejected
from solidarity.payments.providers.stripe import StripeProvider
from solidarity.payments.stripe_handlers import handle_stripe_event

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 512 * 1024
SETTLING = {"checkout.session.completed", "payment_intent.succeeded", "invoice.paid"}


class RetryLater(Exception):
    """Something Stripe must tell us first could not be fetched; Stripe will deliver again."""


def _with_fee(provider: StripeProvider, data: ProviderEventData) -> ProviderEventData:
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


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({"error": "payload_too_large"}, status=413)
    provider = StripeProvider()
    try:
        data = provider.parse_webhook(body=request.body, headers=request.headers)
    except WebhookRejected as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400)
    if ProviderEvent.objects.filter(provider="stripe", event_id=data.event_id).exists():
        # A repeat delivery: the first one may have been cut off (a killed process) after it
        # committed but before it applied the events waiting for it. Do that now.
        retry_waiting("stripe", handle_stripe_event, related_to=data)
        return JsonResponse({"received": True, "duplicate": True})
    try:
        data = _with_fee(provider, data)
    except RetryLater as exc:
        logger.warning("stripe event %s deferred: %s", data.event_id, exc)
        return JsonResponse({"error": "retry_later", "message": str(exc)}, status=503)
    try:
        state, duplicate = apply_event(data, handle_stripe_event)
    except DomainError as exc:
        # Nothing was recorded; answering 500 makes Stripe deliver it again later.
        logger.error("stripe event %s (%s) could not be applied: %s", data.event_id, data.type, exc.code)
        return JsonResponse({"error": exc.code, "message": exc.message}, status=500)
    return JsonResponse({"received": True, "state": state, "duplicate": duplicate})
