"""External events, applied exactly once.

An event is first stored under its unique (provider, event id) in the same database
transaction that applies it, so a retried delivery finds the row and changes nothing. An
event that arrives before the one it depends on (a refund before the payment) is stored
as waiting, with only its normalised fields, and applied right after the event about
the same payment (intent or charge) is applied. `retry_waiting` with no filter retries
every waiting event, for a sweep from the shell.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from solidarity.payments.models import ProviderEvent
from solidarity.payments.providers.base import ProviderEventData

logger = logging.getLogger(__name__)

State = ProviderEvent.State
Handler = Callable[[ProviderEventData], str]


def apply_event(data: ProviderEventData, handler: Handler) -> tuple[str, bool]:
    """Store and apply one event atomically. Returns (state, duplicate?)."""
    try:
        with transaction.atomic():
            row = ProviderEvent.objects.create(
                provider=data.provider, event_id=data.event_id, type=data.type, state=State.WAITING
            )
            state = handler(data)
            row.state = state
            row.applied_at = timezone.now() if state == State.APPLIED else None
            row.data = data.to_json() if state == State.WAITING else {}
            row.save(update_fields=["state", "applied_at", "data"])
    except IntegrityError:
        if ProviderEvent.objects.filter(provider=data.provider, event_id=data.event_id).exists():
            return ProviderEvent.objects.get(provider=data.provider, event_id=data.event_id).state, True
        raise
    if state == State.APPLIED:
        # Only the events about the same payment can have been waiting for this one:
        # retrying every waiting event after every event made a storm quadratic
        # (bench/storm.py: 3 events/s once a hundred refunds waited).
        retry_waiting(data.provider, handler, related_to=data)
    elif state == State.WAITING:
        # Its prerequisite may have committed while this transaction ran, after that
        # event's own retry looked: look once more, now that this row is visible.
        retry_waiting(data.provider, handler, event_ids=[data.event_id])
    return state, False


def _same_payment(data: ProviderEventData) -> Q | None:
    """Waiting events that name the same payment intent or charge as `data`."""
    query = Q()
    if data.payment_intent_id:
        query |= Q(data__payment_intent_id=data.payment_intent_id)
    if data.charge_id:
        query |= Q(data__charge_id=data.charge_id)
    return query or None


def retry_waiting(
    provider: str,
    handler: Handler,
    *,
    limit: int = 200,
    related_to: ProviderEventData | None = None,
    event_ids: list[str] | None = None,
) -> int:
    """Apply waiting events whose prerequisite has since arrived. Returns how many applied.

    With `related_to`, only events about the same payment (what a refund or dispute
    waits for); with `event_ids`, only those; with neither, every waiting event.
    """
    waiting = ProviderEvent.objects.filter(provider=provider, state=State.WAITING)
    if related_to is not None:
        same = _same_payment(related_to)
        if same is None:
            return 0
        waiting = waiting.filter(same)
    if event_ids is not None:
        waiting = waiting.filter(event_id__in=event_ids)
    applied = 0
    progress = True
    while progress:
        progress = False
        for row_id in list(waiting.order_by("id").values_list("id", flat=True)[:limit]):
            with transaction.atomic():
                row = (
                    ProviderEvent.objects.select_for_update(skip_locked=True)
                    .filter(pk=row_id, state=State.WAITING)
                    .first()
                )
                if row is None:
                    continue
                state = handler(ProviderEventData.from_json(row.data))
                if state == State.WAITING:
                    continue
                row.state = state
                row.applied_at = timezone.now() if state == State.APPLIED else None
                row.data = {}
                row.save(update_fields=["state", "applied_at", "data"])
                applied += 1
                progress = True
    return applied
