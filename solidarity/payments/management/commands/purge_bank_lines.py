from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from solidarity.payments.reconciliation import erase_stale_payer_details, retention_days


class Command(BaseCommand):
    help = (
        "Erase the payer's name, account and text of statement lines waiting for review longer than "
        "SOLIDARITY_BANK_LINE_RETENTION_DAYS (default 60) by destroying their data keys. Run daily."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = erase_stale_payer_details()
        self.stdout.write(
            f"erased the payer details of {count} statement line(s) waiting for review "
            f"longer than {retention_days()} days"
        )
