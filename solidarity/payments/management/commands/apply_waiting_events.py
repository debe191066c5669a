from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidarity.payments.events import retry_waiting
from solidarity.payments.models import ProviderEvent
from solidarity.payments.stripe_handlers import handle_stripe_event


class Command(BaseCommand):
    help = (
        "Apply provider events still waiting for an earlier one whose prerequisite has arrived (run every few minutes)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        applied = retry_waiting("stripe", handle_stripe_event)
        left = ProviderEvent.objects.filter(state=ProviderEvent.State.WAITING).count()
        self.stdout.write(f"applied {applied} waiting event(s); {left} still waiting")
