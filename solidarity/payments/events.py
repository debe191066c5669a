"""External events, applied exactly once.

An event is first stored under its unique (provider, event id) in the same database
transaction that applies it, so a retried delivery finds the row and changes nothing. An
event that arrives before the one it depends on (a refund before the payment) is stored
as waiting, with only its normalised fields, and applied after the next event that
changes something.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import IntegrityError, transaction
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
        retry_waiting(data.provider, handler)
    return state, False


def retry_waiting(provider: str, handler: Handler, *, limit: int = 200) -> int:
    """Apply waiting events whose prerequisite has since arrived. Returns how many applied."""
    applied = 0
    progress = True
    while progress:
        progress = False
        for row_id in list(
            ProviderEvent.objects.filter(provider=provider, state=State.WAITING)
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        ):
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
