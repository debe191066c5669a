from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidarity.donations.intents import expire_pending_donations


class Command(BaseCommand):
    help = "Mark pending donations past their expiry as expired (run hourly from cron)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"expired {expire_pending_donations()} pending donation(s)")
