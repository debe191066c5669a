"""Delete stored idempotent responses older than 24 hours (run hourly or daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidarity.api.idempotency import purge_expired


class Command(BaseCommand):
    help = "Delete Idempotency-Key records older than 24 hours."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{purge_expired()} expired idempotency record(s) deleted.")
