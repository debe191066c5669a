"""Reads about the payment rails for monitoring: the stored provider events by state.

Counts and times only: no event's content, amount or payer ever leaves here.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min

from solidarity.payments.models import ProviderEvent

# Stored but not applied yet: received (the worker's next run applies it) or waiting for
# an earlier event (the apply_waiting_events sweep retries it).
BACKLOG_STATES = (ProviderEvent.State.RECEIVED, ProviderEvent.State.WAITING)


def oldest_backlog_event_at() -> dt.datetime | None:
    """When the oldest provider event still waiting to be applied arrived, or None if none waits."""
    return ProviderEvent.objects.filter(state__in=BACKLOG_STATES).aggregate(oldest=Min("received_at"))["oldest"]


def event_counts_by_state() -> dict[str, int]:
    """The number of stored provider events in each state (every state named, 0 included)."""
    counts = dict.fromkeys(ProviderEvent.State.values, 0)
    for row in ProviderEvent.objects.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    return counts
