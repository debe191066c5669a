from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidarity.payments.events import retry_waiting
from solidarity.payments.models import ProviderEvent
from solidarity.payments.stripe_handlers import handle_stripe_event
from solidarity.payments.tasks import apply_events_task


class Command(BaseCommand):
    help = (
        "Apply provider events that are stored but not applied: received ones (the task worker's job, "
        "should it have been down) and those waiting for an earlier event that has since arrived "
        "(run every few minutes)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        received = apply_events_task.call()
        applied = retry_waiting("stripe", handle_stripe_event)
        State = ProviderEvent.State
        waiting = ProviderEvent.objects.filter(state=State.WAITING).count()
        self.stdout.write(
            f"tried {received['tried']} received event(s), {received['left']} still received; "
            f"applied {applied} waiting event(s), {waiting} still waiting"
        )
