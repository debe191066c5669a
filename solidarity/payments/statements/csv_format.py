"""Bank CSV exports, read through a column mapping that staff set up once per bank.

CSV has no standard: each bank names its columns, writes dates and decimals its own
way, and splits amounts into one signed column or a debit and a credit column. The
mapping says all of that; nothing is guessed except the delimiter, when not given.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext as _

from .errors import StatementError
from .lines import ParsedStatement, StatementLine, with_checksums
from .references import normalise_structured_reference
from .text import clean_account, clean_reference, clean_text, join_texts
from .values import money

_NUMBER = re.compile(r"^\d+(\.\d+)?$")
_DELIMITERS = ";,\t|"
_GROUPING = str.maketrans("", "", " \u00a0\u202f'\u2019")


@dataclass(frozen=True, slots=True)
class CsvMapping:
    """Which column holds what; column names match case-insensitively, trimmed.

    Give `amount` (signed) or `debit` and/or `credit` (amounts in them count as
    outgoing and incoming whatever their sign). Give `currency` (a column) or
    `fixed_currency`; with both, the fixed one fills empty cells. `remittance` may name
    several columns (banks split the purpose text); they are joined with spaces.
    """

    date: str
    amount: str = ""
    debit: str = ""
    credit: str = ""
    currency: str = ""
    fixed_currency: str = ""
    remittance: str | tuple[str, ...] = ()
    payer_name: str = ""
    payer_account: str = ""
    bank_reference: str = ""
    value_date: str = ""
    end_to_end_id: str = ""
    structured_reference: str = ""
    date_format: str = "%Y-%m-%d"
    decimal_comma: bool = False
    delimiter: str = ""
    account: str = ""
    encoding: str = "utf-8"
    # Lines before the header row (German banks put the account, period and balance there).
    skip_lines: int = 0

    def __post_init__(self) -> None:
        if not 0 <= self.skip_lines <= 100:
            raise StatementError(_("The CSV mapping may skip between 0 and 100 lines before the header."))
        if not self.amount and not (self.debit or self.credit):
            raise StatementError(_("The CSV mapping needs an amount column, or debit and credit columns."))
        if self.amount and (self.debit or self.credit):
            raise StatementError(_("The CSV mapping names both an amount column and debit/credit columns."))
        if not self.currency and not self.fixed_currency:
            raise StatementError(_("The CSV mapping needs a currency column or a fixed currency."))
        if len(self.delimiter) > 1:
            raise StatementError(
                _("The CSV delimiter must be one character, not %(delimiter)s.") % {"delimiter": repr(self.delimiter)}
            )

    @property
    def remittance_columns(self) -> tuple[str, ...]:
        return (self.remittance,) if isinstance(self.remittance, str) else tuple(self.remittance)


def _decode(data: bytes, mapping: CsvMapping, prefix: str) -> str:
    encoding = "utf-8-sig" if mapping.encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else mapping.encoding
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise StatementError(
            prefix
            + _(
                "the file is not %(encoding)s text (byte %(byte)s); "
                "set the mapping's encoding to the bank's, for example cp1252."
            )
            % {"encoding": mapping.encoding, "byte": exc.start}
        ) from exc
    except LookupError as exc:
        raise StatementError(
            prefix + _("unknown text encoding %(encoding)s in the CSV mapping.") % {"encoding": repr(mapping.encoding)}
        ) from exc


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        header = text.splitlines()[0] if text.splitlines() else ""
        return max(_DELIMITERS, key=header.count) if any(d in header for d in _DELIMITERS) else ","


def parse_amount(text: str, *, decimal_comma: bool, where: str) -> Decimal | None:
    """A CSV amount: "1.234,56", "-12.50", "12,50-", "(12.50)", "1'234.50"; None if empty."""
    value = text.strip().translate(_GROUPING).replace("\u2212", "-")
    if not value:
        return None
    negative = False
    if value.startswith("(") and value.endswith(")"):
        negative, value = True, value[1:-1]
    if value[:1] in "+-":
        negative, value = negative or value[0] == "-", value[1:]
    elif value.endswith("-"):
        negative, value = True, value[:-1]
    value = value.replace(".", "").replace(",", ".") if decimal_comma else value.replace(",", "")
    if not _NUMBER.match(value):
        raise StatementError(
            _("%(where)s: %(value)s is not an amount.") % {"where": where, "value": repr(text.strip())}
        )
    number = Decimal(value)
    return -number if negative else number


def _date(text: str, fmt: str, where: str) -> date:
    try:
        return datetime.strptime(text.strip(), fmt).date()
    except ValueError as exc:
        raise StatementError(
            _("%(where)s: %(value)s is not a date in the format %(format)s.")
            % {"where": where, "value": repr(text.strip()), "format": fmt}
        ) from exc


def parse_csv(data: bytes, mapping: CsvMapping, *, filename: str = "") -> ParsedStatement:
    """Parse a CSV export with `mapping`; raise StatementError naming the row at fault."""
    prefix = f"{filename}: " if filename else ""
    text = _decode(data, mapping, prefix)
    skipped_lines = 0
    if mapping.skip_lines:
        parts = text.splitlines(keepends=True)
        skipped_lines = min(mapping.skip_lines, len(parts))
        text = "".join(parts[skipped_lines:])
    if not text.strip():
        raise StatementError(prefix + _("the CSV file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter or _delimiter(text))
    try:
        rows = [(reader.line_num + skipped_lines, row) for row in reader]
    except csv.Error as exc:
        raise StatementError(
            prefix
            + _("line %(line)s: not valid CSV (%(error)s).") % {"line": reader.line_num + skipped_lines, "error": exc}
        ) from exc
    rows = [(number, row) for number, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise StatementError(prefix + _("the CSV file is empty."))
    header = [cell.strip().casefold() for cell in rows[0][1]]

    def column(name: str) -> int | None:
        if not name:
            return None
        try:
            return header.index(name.strip().casefold())
        except ValueError:
            hint = (
                ""
                if mapping.skip_lines
                else " " + _("If the bank writes lines before the header, set how many to skip before it.")
            )
            raise StatementError(
                prefix
                + _("the CSV has no column %(column)s; its header (line %(line)s) has: %(header)s.")
                % {"column": repr(name), "line": rows[0][0], "header": ", ".join(rows[0][1])}
                + hint
            ) from None

    columns = {
        key: column(getattr(mapping, key))
        for key in (
            "date",
            "amount",
            "debit",
            "credit",
            "currency",
            "payer_name",
            "payer_account",
            "bank_reference",
            "value_date",
            "end_to_end_id",
            "structured_reference",
        )
    }
    remittance_columns = [column(name) for name in mapping.remittance_columns]
    account = clean_account(mapping.account)
    lines: list[StatementLine] = []
    skipped = 0
    for number, row in rows[1:]:
        where = prefix + _("line %(line)s") % {"line": number}

        def cell(index: int | None, row: list[str] = row) -> str:
            return row[index] if index is not None and index < len(row) else ""

        amount = _row_amount(mapping, cell(columns["amount"]), cell(columns["debit"]), cell(columns["credit"]), where)
        currency = cell(columns["currency"]).strip() or mapping.fixed_currency
        if not currency:
            raise StatementError(_("%(where)s: no currency.") % {"where": where})
        signed = money(amount, currency, where)
        if signed.amount == 0:
            skipped += 1
            continue
        value_text = cell(columns["value_date"])
        lines.append(
            StatementLine(
                booking_date=_date(cell(columns["date"]), mapping.date_format, where),
                value_date=_date(value_text, mapping.date_format, where) if value_text.strip() else None,
                amount=signed,
                remittance=join_texts([cell(i) for i in remittance_columns]),
                structured_reference=normalise_structured_reference(clean_text(cell(columns["structured_reference"]))),
                end_to_end_id=clean_reference(cell(columns["end_to_end_id"])),
                bank_reference=clean_reference(cell(columns["bank_reference"])),
                payer_name=clean_text(cell(columns["payer_name"])),
                payer_account=clean_account(cell(columns["payer_account"])),
                is_reversal=False,
                statement_account=account,
            )
        )
    return ParsedStatement(
        format="csv", account=account, statements=1, lines=with_checksums(lines), skipped=skipped, warnings=[]
    )


def _row_amount(mapping: CsvMapping, amount: str, debit: str, credit: str, where: str) -> Decimal:
    comma = mapping.decimal_comma
    if mapping.amount:
        value = parse_amount(amount, decimal_comma=comma, where=where)
        if value is None:
            raise StatementError(_("%(where)s: the amount is empty.") % {"where": where})
        return value
    outgoing = parse_amount(debit, decimal_comma=comma, where=where)
    incoming = parse_amount(credit, decimal_comma=comma, where=where)
    if outgoing and incoming:
        raise StatementError(_("%(where)s: both the debit and the credit column hold an amount.") % {"where": where})
    if outgoing is None and incoming is None:
        raise StatementError(
            _("%(where)s: neither the debit nor the credit column holds an amount.") % {"where": where}
        )
    return abs(incoming) if incoming else -abs(outgoing or Decimal(0))
