"""Writing the books of a period: six CSV files, to a folder or into one ZIP.

All six files are read in one database snapshot (REPEATABLE READ on PostgreSQL when the
export starts its own transaction), so a payment booked while the export runs appears in
every file or in none, and the files reconcile with each other and with the ledger.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TextIO

from django.db import connection, transaction
from django.db.models import QuerySet

from solidarity.books.balances import COLUMNS as BALANCE_COLUMNS
from solidarity.books.balances import balance_rows, campaign_slugs
from solidarity.books.bank_lines import BANK_LINE_COLUMNS, bank_line_rows, bank_lines
from solidarity.books.ledger_files import (
    DONATION_COLUMNS,
    FEE_COLUMNS,
    PAYOUT_COLUMNS,
    REFUND_COLUMNS,
    RowSource,
    decimal,
    donation_rows,
    donation_transactions,
    fee_rows,
    fee_transactions,
    payout_rows,
    payout_transactions,
    refund_rows,
    refund_transactions,
)
from solidarity.books.period import Period

Progress = Callable[[int, int], None]
FILE_NAMES = ("donations.csv", "refunds.csv", "payouts.csv", "fees.csv", "bank_lines.csv", "balances.csv")


@dataclass(frozen=True)
class BookFile:
    name: str
    columns: list[str]
    rows: RowSource
    count: Callable[[Period], QuerySet]  # type: ignore[type-arg]  # rows to expect, for the progress bar


def _balances(period: Period, slugs: dict[str, str]) -> Iterator[list[str]]:
    for row in balance_rows(period):
        yield [
            row.slug,
            row.currency,
            decimal(row.opening, row.currency),
            *(decimal(row.figure(c), row.currency) for c in ("received", "refunded", "paid_out", "disputed", "other")),
            decimal(row.fees, row.currency),
            decimal(row.closing, row.currency),
        ]


FILES = [
    BookFile("donations.csv", DONATION_COLUMNS, donation_rows, donation_transactions),
    BookFile("refunds.csv", REFUND_COLUMNS, refund_rows, refund_transactions),
    BookFile("payouts.csv", PAYOUT_COLUMNS, payout_rows, payout_transactions),
    BookFile("fees.csv", FEE_COLUMNS, fee_rows, fee_transactions),
    BookFile("bank_lines.csv", BANK_LINE_COLUMNS, bank_line_rows, bank_lines),
]


@contextmanager
def _snapshot() -> Iterator[None]:
    """One consistent, read-only view of the database for the whole export."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def _write_all(period: Period, open_file: Callable[[str], TextIO], progress: Progress | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    with _snapshot():
        slugs = campaign_slugs()
        # Balances are one row per campaign and currency: counted as one step of the bar.
        total = sum(f.count(period).count() for f in FILES) + 1
        done = 0
        if progress:
            progress(done, total)
        for book in FILES:
            with open_file(book.name) as out:
                writer = csv.writer(out, lineterminator="\n")
                writer.writerow(book.columns)
                counts[book.name] = 0
                for row in book.rows(period, slugs):
                    writer.writerow(row)
                    counts[book.name] += 1
                    done += 1
                    if progress and done % 500 == 0:
                        progress(min(done, total - 1), total)
        with open_file("balances.csv") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(BALANCE_COLUMNS)
            counts["balances.csv"] = 0
            for row in _balances(period, slugs):
                writer.writerow(row)
                counts["balances.csv"] += 1
        if progress:
            progress(total, total)
    return counts


def write_books(*, period: Period, directory: Path, progress: Progress | None = None) -> dict[str, int]:
    """Write the six CSV files into `directory` (created if missing); returns the rows per file."""
    directory.mkdir(parents=True, exist_ok=True)
    return _write_all(period, lambda name: (directory / name).open("w", encoding="utf-8", newline=""), progress)


def write_books_zip(*, period: Period, stream: IO[bytes], progress: Progress | None = None) -> dict[str, int]:
    """Write the six CSV files into one ZIP on `stream`; returns the rows per file."""
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def open_member(name: str) -> TextIO:
            member = archive.open(f"books-{period.start}-{period.end}/{name}", "w")
            return io.TextIOWrapper(member, encoding="utf-8", newline="")

        return _write_all(period, open_member, progress)
