from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from solidarity.books.export import write_books
from solidarity.books.period import Period
from solidarity.core.errors import DomainError
from solidarity.core.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Write the books of a period for the accountant: donations.csv, refunds.csv, payouts.csv, "
        "fees.csv, bank_lines.csv and balances.csv, every figure from the ledger (docs/ledger.md)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--from", dest="start", required=True, help="first day, YYYY-MM-DD (included)")
        parser.add_argument("--to", dest="end", required=True, help="last day, YYYY-MM-DD (included)")
        parser.add_argument("--out", required=True, help="folder to write the six files into")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, start: str, end: str, out: str, **options: Any) -> None:
        try:
            period = Period.parse(start, end)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        # The bar goes to stderr, so that stdout stays the summary a script can read.
        progress = None if options["no_progress"] else ProgressBar(sys.stderr, label="export_books ")
        counts = write_books(period=period, directory=Path(out), progress=progress)
        for name, rows in counts.items():
            self.stdout.write(f"{Path(out) / name}: {rows} rows")
