"""`bank_lines.csv`: the imported statement lines of the period and what each was matched to.

No payer name, account or remittance text ever reaches the file (they are personal data,
blanked or encrypted on the line): only the date, amount, currency, the reference found,
the state, the donations it paid and the ledger transactions that booked it — with the
amount those transactions debited to the bank account, read from their postings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from solidarity.books.ledger_files import BATCH, decimal
from solidarity.books.period import Period
from solidarity.ledger.models import AccountPurpose, Posting
from solidarity.payments.models import BankLine, BankLineAllocation

BANK_LINE_COLUMNS = [
    "date",
    "line",
    "amount",
    "currency",
    "reference",
    "status",
    "donations",
    "transactions",
    "booked",
]


def bank_lines(period: Period) -> QuerySet[BankLine]:
    return BankLine.objects.filter(booking_date__gte=period.start, booking_date__lte=period.end)


def _rows(lines: list[dict[str, Any]]) -> Iterator[list[str]]:
    allocations: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for a in BankLineAllocation.objects.filter(line_id__in=[line["id"] for line in lines]).values(
        "line_id", "donation_id", "donation__bank_reference", "ledger_transaction_id"
    ):
        allocations[a["line_id"]].append(dict(a))
    txn_ids = [a["ledger_transaction_id"] for found in allocations.values() for a in found]
    booked: dict[int, int] = defaultdict(int)
    for txn_id, amount in Posting.objects.filter(
        transaction_id__in=txn_ids, account__purpose=AccountPurpose.BANK
    ).values_list("transaction_id", "amount_minor"):
        booked[txn_id] += amount
    for line in lines:
        found = sorted(allocations.get(line["id"], []), key=lambda a: a["donation_id"])
        # A matched line's own reference is blanked; the reference it was matched by is the donation's.
        references = [a["donation__bank_reference"] for a in found if a["donation__bank_reference"]]
        yield [
            line["booking_date"].isoformat(),
            str(line["id"]),
            decimal(line["amount_minor"], line["currency"]),
            line["currency"],
            " ".join(references) or line["reference"],
            line["state"],
            " ".join(str(a["donation_id"]) for a in found),
            " ".join(str(a["ledger_transaction_id"]) for a in found),
            decimal(sum(booked[a["ledger_transaction_id"]] for a in found), line["currency"]),
        ]


def bank_line_rows(period: Period, slugs: dict[str, str]) -> Iterator[list[str]]:
    """bank_lines.csv rows, in booking order, a batch of lines at a time."""
    batch: list[dict[str, Any]] = []
    fields = ("id", "booking_date", "amount_minor", "currency", "reference", "state")
    for line in bank_lines(period).values(*fields).order_by("booking_date", "id").iterator(chunk_size=BATCH):
        batch.append(line)
        if len(batch) == BATCH:
            yield from _rows(batch)
            batch = []
    if batch:
        yield from _rows(batch)
