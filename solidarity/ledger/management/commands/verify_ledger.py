from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from solidarity.ledger.verification import verify_ledger


class Command(BaseCommand):
    help = "Check every ledger invariant; exit non-zero naming each offending transaction."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_ledger()
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"ledger verification failed: {len(report.problems)} problem(s)")
        self.stdout.write(
            f"ledger OK: {report.transactions} transactions, {report.postings} postings, every invariant holds"
        )
