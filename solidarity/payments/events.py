"""External events, applied exactly once.

Two steps, each its own database transaction:

1. `store_event`: the verified event, reduced to the fields the handlers use, is stored
   under its unique (provider, event id) as *received*. A repeat delivery finds the row
   and stores nothing. This is all a webhook must do before answering the provider.
2. `apply_stored`: a stored event is applied in one transaction that locks its row, runs
   the handler and marks the row applied, ignored or waiting (an event that arrived
   before the one it depends on: a refund before its payment). Only a *received* or
   *waiting* row is applied, under its lock, so however many processes try, the handler
   runs to completion once. An event that can never apply (its amount or currency cannot be
   money; see UNUSABLE) is marked *failed* with the reason, and so is a genuine event the
   provider could not normalise (`store_failed_event`): staff see both in the back office. What must be asked of the provider first (`prepare`, e.g.
   Stripe's fee) is asked before that transaction opens: no network call ever runs
   inside a database transaction.

The webhook applies the event right after storing it (`SOLIDARITY_WEBHOOK_APPLY=request`,
the default) or leaves it to the task worker (`worker`, production): see
solidarity/payments/tasks.py. A crash between the steps leaves a received row, which a
repeat delivery, the next task run or the `apply_waiting_events` sweep applies.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import DataError, IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from solidarity.core.errors import CurrencyMismatch, DomainError, InvalidAmount, UnbalancedTransaction, UnknownCurrency
from solidarity.payments.models import ProviderEvent
from solidarity.payments.providers.base import ProviderEventData

logger = logging.getLogger(__name__)

State = ProviderEvent.State
Handler = Callable[[ProviderEventData], str]
Prepare = Callable[[ProviderEventData], ProviderEventData]
PENDING = (State.RECEIVED, State.WAITING)


class RetryLater(Exception):
    """What the provider must tell us before the event can be applied could not be fetched."""


# What applying an event raises when the event itself is at fault — an amount or currency
# that cannot be money, a value the database cannot hold, a field of the wrong type —
# rather than the moment (a missing exchange rate, a concurrent run): trying again would
# fail the same way, so the event is marked failed with the reason instead of staying
# received for ever. Other domain errors leave it received for a later try.
UNUSABLE = (InvalidAmount, UnknownCurrency, CurrencyMismatch, UnbalancedTransaction, DataError, TypeError, ValueError)
MAX_REASON = 300


def _reason(exc: BaseException) -> str:
    text = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"
    return text.replace("\x00", "")[:MAX_REASON]


def store_failed_event(*, provider: str, event_id: str, type: str, reason: str) -> tuple[int, bool]:
    """Store a genuine event that cannot be used as *failed*, with the reason, for staff to
    see. Returns (row id, duplicate?); a repeat delivery stores nothing."""
    with transaction.atomic():
        row, created = ProviderEvent.objects.get_or_create(
            provider=provider,
            event_id=event_id[:100],
            defaults={"type": type[:60], "state": State.FAILED, "failure_reason": reason[:MAX_REASON], "data": {}},
        )
    return row.pk, not created


def mark_failed(row_id: int, exc: BaseException) -> str:
    """A stored event that cannot be applied: failed, with the reason (its data kept for staff)."""
    reason = _reason(exc)
    logger.error("event row %s failed: %s", row_id, reason)
    with transaction.atomic():
        ProviderEvent.objects.filter(pk=row_id, state__in=PENDING).update(state=State.FAILED, failure_reason=reason)
    return State.FAILED


def _unchanged(data: ProviderEventData) -> ProviderEventData:
    return data


# ProviderEvent's table (payments_providerevent); the unique (provider, event_id) is its
# constraint provider_event_once.
_STORE_SQL = (
    "INSERT INTO payments_providerevent (provider, event_id, type, state, data, received_at) "
    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (provider, event_id) DO NOTHING RETURNING id"
)
_FIND_SQL = "SELECT id FROM payments_providerevent WHERE provider = %s AND event_id = %s"


def store_event(data: ProviderEventData) -> tuple[int, bool]:
    """Store a verified event once. Returns (row id, duplicate?).

    One statement: `INSERT … ON CONFLICT DO NOTHING` on the unique (provider, event id)
    stores a new event, and a repeat delivery finds the row without a failed INSERT (and,
    inside a caller's transaction, without a savepoint). This is what a webhook pays before
    answering, so it is written out rather than built by the ORM at every delivery.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            _STORE_SQL,
            [
                data.provider,
                data.event_id,
                data.type,
                State.RECEIVED,
                *_db_values(data=data.to_json(), received_at=timezone.now()),
            ],
        )
        stored = cursor.fetchone()
        if stored is not None:
            return int(stored[0]), False
        cursor.execute(_FIND_SQL, [data.provider, data.event_id])
        existing = cursor.fetchone()
    if existing is None:  # cannot happen: no event row is ever deleted
        raise IntegrityError(f"{data.provider} event {data.event_id} conflicted but is not stored")
    return int(existing[0]), True


def _db_values(**values: Any) -> list[Any]:
    """ProviderEvent field values as the database takes them (what the ORM would send)."""
    fields = {field.name: field for field in ProviderEvent._meta.concrete_fields}
    return [fields[name].get_db_prep_value(value, connection) for name, value in values.items()]


def apply_stored(row_id: int, handler: Handler, prepare: Prepare = _unchanged) -> str:
    """Apply one stored event if it is still pending; returns its state afterwards.

    Raises RetryLater when `prepare` cannot complete, and DomainError when the handler
    refuses: in both cases nothing changed and the row stays pending.
    """
    row = ProviderEvent.objects.filter(pk=row_id).only("state", "data").first()
    if row is None:
        return ""
    if row.state not in PENDING:
        return row.state
    data = ProviderEventData.from_json(row.data)
    if row.state == State.RECEIVED:
        data = prepare(data)  # the provider's network, outside any transaction
    return _apply_prepared(row_id, data, handler)


def _apply_prepared(row_id: int, data: ProviderEventData, handler: Handler, *, wait_for_disk: bool = True) -> str:
    try:
        return _apply_in_transaction(row_id, data, handler, wait_for_disk=wait_for_disk)
    except UNUSABLE as exc:
        return mark_failed(row_id, exc)


def _apply_in_transaction(row_id: int, data: ProviderEventData, handler: Handler, *, wait_for_disk: bool) -> str:
    with transaction.atomic():
        if not wait_for_disk and connection.vendor == "postgresql" and not _inside_outer_transaction():
            # Applying is derived from the stored event, whose row was committed durably
            # before anyone was told "received": if a crash loses this commit, it loses the
            # whole transaction (PostgreSQL keeps it atomic), the event is still received,
            # and the next run applies it again. Any later ordinary commit (a checkpoint
            # signed over this money, say) flushes this one first. So it need not wait for
            # the disk: the worker does not stall on every event's flush.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        row = (
            ProviderEvent.objects.select_for_update(skip_locked=True)
            .filter(pk=row_id, state__in=PENDING)
            .only("state")
            .first()
        )
        if row is None:  # applied meanwhile, or being applied by another process right now
            return ProviderEvent.objects.filter(pk=row_id).values_list("state", flat=True).first() or ""
        state = handler(data)
        _mark(row, state, data)
    if state == State.APPLIED:
        # Only the events about the same payment can have been waiting for this one:
        # retrying every waiting event after every event made a storm quadratic
        # (bench/storm.py: 3 events/s once a hundred refunds waited).
        retry_waiting(data.provider, handler, related_to=data)
    elif state == State.WAITING:
        # Its prerequisite may have committed while this transaction ran, after that
        # event's own retry looked: look once more, now that this row is visible.
        retry_waiting(data.provider, handler, event_ids=[data.event_id])
    return state


def _mark(row: ProviderEvent, state: str, data: ProviderEventData) -> None:
    """Record what applying did. A waiting event keeps what it will need (fee included);
    a finished one keeps nothing."""
    row.state = state
    row.applied_at = timezone.now() if state == State.APPLIED else None
    row.data = data.to_json() if state == State.WAITING else {}
    row.save(update_fields=["state", "applied_at", "data"])


def _inside_outer_transaction() -> bool:
    # Inside the atomic block just opened: an outer one would make this a savepoint, and
    # SET LOCAL would then reach the caller's whole transaction.
    return len(connection.savepoint_ids) > 0


def _prepare_all(
    rows: list[tuple[int, dict[str, Any]]], prepare: Prepare, concurrency: int
) -> list[tuple[int, ProviderEventData | Exception]]:
    """Run `prepare` over many events at once: it waits on the provider's network, not on us."""

    def one(raw: dict[str, Any]) -> ProviderEventData | Exception:
        try:
            return prepare(ProviderEventData.from_json(raw))
        except Exception as exc:  # reported per event by the caller
            return exc

    if concurrency <= 1 or len(rows) <= 1:
        return [(row_id, one(raw)) for row_id, raw in rows]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(rows))) as pool:
        return list(zip([r for r, _ in rows], pool.map(one, [raw for _, raw in rows]), strict=True))


def apply_received(
    provider: str,
    handler: Handler,
    prepare: Prepare = _unchanged,
    *,
    limit: int = 200,
    skip: frozenset[int] = frozenset(),
    concurrency: int = 8,
) -> tuple[list[int], set[int]]:
    """Apply received events in arrival order (at most `limit`, none of the ids in `skip`).

    The provider is asked what each event needs (`prepare`) for the whole batch at once,
    `concurrency` requests at a time and outside any transaction; then the events are
    applied one by one, each in its own transaction. Returns the row ids tried and those
    of them that stay received: an event that cannot be applied now (the provider
    unreachable, a handler's refusal, a conflict with a concurrent run) is logged and
    left for a later run.
    """
    pending = ProviderEvent.objects.filter(provider=provider, state=State.RECEIVED)
    if skip:
        pending = pending.exclude(id__in=skip)
    rows = list(pending.order_by("id").values_list("id", "data")[:limit])
    deferred: set[int] = set()
    for row_id, prepared in _prepare_all(rows, prepare, concurrency):
        try:
            if isinstance(prepared, Exception):
                raise prepared
            _apply_prepared(row_id, prepared, handler, wait_for_disk=False)
            continue
        except RetryLater as exc:
            logger.warning("%s event row %s deferred: %s", provider, row_id, exc)
        except DomainError as exc:
            logger.error("%s event row %s could not be applied: %s", provider, row_id, exc.code)
        except IntegrityError:
            logger.warning("%s event row %s conflicted with a concurrent one; retried later", provider, row_id)
        except Exception:
            # One broken event must not hold up the others: it stays received, and logged.
            logger.exception("%s event row %s failed; left for a later run", provider, row_id)
        deferred.add(row_id)
    return [row_id for row_id, _ in rows], deferred


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
            try:
                with transaction.atomic():
                    row = (
                        ProviderEvent.objects.select_for_update(skip_locked=True)
                        .filter(pk=row_id, state=State.WAITING)
                        .first()
                    )
                    if row is None:
                        continue
                    data = ProviderEventData.from_json(row.data)
                    state = handler(data)
                    if state == State.WAITING:
                        continue
                    _mark(row, state, data)
            except UNUSABLE as exc:
                mark_failed(row_id, exc)
                continue
            applied += 1
            progress = True
    return applied
