from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from solidarity.ledger.verification import record_verification


class Command(BaseCommand):
    help = (
        "Check every ledger invariant and the public log; exit non-zero naming each offending "
        "transaction or log entry. Each run is recorded: the latest failed run shows a red banner "
        "in the back office and fails /readyz (run hourly by solidarity-cron-verify_ledger.timer)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        _, report = record_verification()
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"ledger verification failed: {len(report.problems)} problem(s)")
        self.stdout.write(
            f"ledger OK: {report.transactions} transactions, {report.postings} postings, every invariant holds"
        )
