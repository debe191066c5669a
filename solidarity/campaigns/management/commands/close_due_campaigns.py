from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidarity.campaigns.services import close_due_campaigns


class Command(BaseCommand):
    help = "Close every active campaign whose deadline has passed (run daily from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        closed = close_due_campaigns()
        self.stdout.write(f"closed {len(closed)} campaign(s)" + "".join(f"\n  {c.slug}" for c in closed))
