"""What every statement parser returns, whatever the bank's format.

A `StatementLine` is one booked movement on the organisation's account: a donation
coming in, a fee or refund going out. Parsers fill it from camt.053, MT940 or CSV;
matching and the ledger only ever see this shape.

Checksum recipe (version "v1")
-------------------------------
Staff import overlapping statements (a monthly camt.053 after the daily MT940s, the
same file twice by mistake). The checksum lets the importer recognise a movement it
has already seen, so it must depend only on facts the bank reports about the booking,
never on the file, its name, or the line's position in it.

1. Canonical fields, in this order, each as text:
   statement account, booking date (ISO 8601), amount in integer minor units (signed),
   ISO 4217 currency, bank reference, end-to-end id, structured reference,
   remittance (already whitespace-normalised), payer account.
2. They are joined with U+001F (unit separator), which `clean_text` never lets through,
   so no field can run into the next.
3. Occurrence counter: lines of one file whose canonical text is identical (two donors'
   banks report the same 20 EUR on the same day with the same text and no reference)
   are numbered 0, 1, 2... in file order. The same two lines in an overlapping file get
   the same two numbers, so both files produce the same two checksums.
4. checksum = sha256("v1" U+001E canonical U+001E occurrence), hex.

Value date, payer name and the reversal flag are left out: banks restate them between
a preliminary and a final statement while the booking stays the same one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from solidarity.core.money import Money

StatementFormat = Literal["camt053", "camt052", "camt054", "mt940", "csv"]

CHECKSUM_VERSION = "v1"
_UNIT = "\x1f"
_RECORD = "\x1e"


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One booked movement. `amount` is signed: credits positive, debits negative."""

    booking_date: date
    value_date: date | None
    amount: Money
    remittance: str
    structured_reference: str
    end_to_end_id: str
    bank_reference: str
    payer_name: str
    payer_account: str
    is_reversal: bool
    statement_account: str
    checksum: str = ""

    @property
    def is_credit(self) -> bool:
        return self.amount.is_positive()


@dataclass(frozen=True, slots=True)
class ParsedStatement:
    """A whole file: `statements` counts its statements (camt `Stmt`, MT940 `:20:` blocks)."""

    format: StatementFormat
    account: str
    statements: int
    lines: list[StatementLine]
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


def canonical_text(line: StatementLine) -> str:
    """The fields of step 1 of the recipe, joined by the unit separator."""
    return _UNIT.join(
        [
            line.statement_account,
            line.booking_date.isoformat(),
            str(line.amount.minor),
            line.amount.currency,
            line.bank_reference,
            line.end_to_end_id,
            line.structured_reference,
            line.remittance,
            line.payer_account,
        ]
    )


def with_checksums(lines: list[StatementLine]) -> list[StatementLine]:
    """Return the lines of one file with their checksums filled in (see the module doc)."""
    seen: Counter[str] = Counter()
    result: list[StatementLine] = []
    for line in lines:
        canonical = canonical_text(line)
        occurrence = seen[canonical]
        seen[canonical] += 1
        payload = _RECORD.join([CHECKSUM_VERSION, canonical, str(occurrence)])
        digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        result.append(replace(line, checksum=digest))
    return result


def file_account(accounts: list[str], warnings: list[str]) -> str:
    """The file's account when all statements share one; "" and a warning otherwise."""
    distinct = list(dict.fromkeys(a for a in accounts if a))
    if len(distinct) == 1:
        return distinct[0]
    if len(distinct) > 1:
        warnings.append(
            f"The file holds statements for {len(distinct)} different accounts "
            f"({', '.join(distinct[:3])}{', ...' if len(distinct) > 3 else ''}); "
            "each line carries its own statement account."
        )
    return ""


def assemble(
    format: StatementFormat, statements: list[tuple[str, list[StatementLine], int]], warnings: list[str]
) -> ParsedStatement:
    """One file's result from its statements' (account, lines, skipped), checksums filled in."""
    lines = [line for _, stmt_lines, _ in statements for line in stmt_lines]
    return ParsedStatement(
        format=format,
        account=file_account([account for account, _, _ in statements], warnings),
        statements=len(statements),
        lines=with_checksums(lines),
        skipped=sum(skipped for _, _, skipped in statements),
        warnings=warnings,
    )
