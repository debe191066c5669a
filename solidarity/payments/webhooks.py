"""Incoming provider webhooks: verified over the raw body, stored once, applied once.

Not wrapped in a database transaction as a whole: storing and applying are separate
transactions (solidarity/payments/events.py), and the fee look-up between them calls
Stripe — no call to Stripe happens inside a database transaction.

`SOLIDARITY_WEBHOOK_APPLY=request` applies the event before answering; `worker` answers as
soon as the event is stored and leaves the rest to the task worker, so a storm of events
costs the request one INSERT and Stripe is never kept waiting by our own look-ups.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from solidarity.core.errors import DomainError
from solidarity.payments.events import RetryLater, apply_stored, retry_waiting, store_event, store_failed_event
from solidarity.payments.providers.base import MalformedEvent, WebhookRejected
from solidarity.payments.providers.registry import get_provider
from solidarity.payments.stripe_handlers import handle_stripe_event, prepare_stripe_event
from solidarity.payments.tasks import apply_after_commit

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 512 * 1024


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({"error": "payload_too_large"}, status=413)
    try:
        data = get_provider("stripe").parse_webhook(body=request.body, headers=request.headers)
    except MalformedEvent as exc:
        # Genuine but unusable: kept as failed for staff, acknowledged so Stripe stops sending it.
        _row, duplicate = store_failed_event(
            provider="stripe", event_id=exc.event_id, type=exc.type, reason=exc.message
        )
        logger.error("stripe event %s (%s) failed: %s", exc.event_id, exc.type, exc.message)
        return JsonResponse({"received": True, "state": "failed", "duplicate": duplicate, "reason": exc.message})
    except WebhookRejected as exc:
        return JsonResponse({"error": exc.code, "message": exc.message}, status=400)
    row_id, duplicate = store_event(data)
    if settings.SOLIDARITY_WEBHOOK_APPLY == "worker":
        if not duplicate:
            apply_after_commit()
        return JsonResponse({"received": True, "state": "received", "duplicate": duplicate})
    try:
        # A repeat delivery may find its event stored but not applied (the first delivery
        # was cut off by a killed process), or applied but with events that waited for it
        # not yet retried: apply_stored does the first, retry_waiting the second.
        state = apply_stored(row_id, handle_stripe_event, prepare_stripe_event)
        if duplicate:
            retry_waiting("stripe", handle_stripe_event, related_to=data)
    except RetryLater as exc:
        logger.warning("stripe event %s deferred: %s", data.event_id, exc)
        return JsonResponse({"error": "retry_later", "message": str(exc)}, status=503)
    except (DomainError, IntegrityError) as exc:
        # Nothing was applied and the event stays received: not its fault but the moment's
        # (an exchange rate not imported yet, a conflict). 503 makes Stripe deliver it again
        # later, and the sweep retries it meanwhile. (An event at fault is marked failed.)
        code, message = (exc.code, exc.message) if isinstance(exc, DomainError) else ("conflict", "Deliver again.")
        logger.error("stripe event %s (%s) could not be applied yet: %s", data.event_id, data.type, code)
        return JsonResponse({"error": code, "message": message}, status=503)
    return JsonResponse({"received": True, "state": state, "duplicate": duplicate})
