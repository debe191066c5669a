"""SWIFT MT940 customer statements, including the bank dialects found in real exports.

Own parser rather than the installed `mt-940` package, because that package
* fails on two of our real-world samples without bank-specific pre-processors
  (ASN Bank's SWIFT envelope with a `:61:` supplementary line, ING's `:28C:` split over
  two lines) and prints its regular expressions to stdout when it fails;
* merges the statements of a file into one dictionary, losing which account a line
  belongs to;
* strips the trailing spaces that tell a hard 65-column wrap from a word boundary.
MT940 is a line-and-tag format; a tokenizer of this size is easier to make robust
and to explain than the package plus a pre-processor per bank.

Handled: SWIFT envelopes `{1:}{2:}{4:` ... `-}`, SOH/ETX bytes, CRLF, header lines
before `:20:`, `-` both as message end and as content inside `:86:`, `:NS:`, `:28C:`
over two lines, amounts without decimals, funds codes, `RC`/`RD` reversals, entry
dates of four spaces, zero-amount informational entries (skipped), 30 February
(clamped, with a warning). A statement without a closing balance is refused as
truncated; one whose balances do not add up gets a warning.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from solidarity.core.money import Money

from .errors import StatementError
from .lines import ParsedStatement, StatementLine, assemble
from .mt940_details import Details, interpret
from .text import clean_account, clean_reference, clean_text, looks_like_iban
from .values import money

_TAG = re.compile(r"^:(?P<tag>\d{2}[A-Z]?|NS):(?P<rest>.*)$")
_TERMINATOR = re.compile(r"^-(\}.*|[A-Z]{0,4})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BALANCE = re.compile(r"^(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>\d+(?:[,.]\d*)?|[,.]\d+)$")
_ENTRY = re.compile(
    r"""^(?P<value>\d{6})
    (?P<entry>\d{4}|\s{4})?
    (?P<mark>RC|RD|C|D)
    (?P<funds>[A-Z])?
    \s?
    (?P<amount>\d+(?:[,.]\d*)?|[,.]\d+)
    (?P<type>[A-Z][A-Z0-9\ ]{3})?
    (?P<rest>.*)$""",
    re.VERBOSE,
)
_ACCOUNT_CURRENCY = re.compile(r"^(?P<account>.*\d)[\s/]*(?P<currency>[A-Z]{3})$")
_SIGNS = {"C": (1, False), "D": (-1, False), "RC": (-1, True), "RD": (1, True)}


@dataclass(slots=True)
class _Field:
    tag: str
    lines: list[str]
    lineno: int


@dataclass(slots=True)
class _Block:
    """The fields of one statement, from its `:20:` on."""

    lineno: int
    fields: list[_Field] = field(default_factory=list)


def decode(data: bytes, warnings: list[str]) -> str:
    """UTF-8 (BOM tolerated), else ISO-8859-1; line ends unified; control bytes gone."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        warnings.append(_("The file is not UTF-8; it was read as ISO-8859-1 (Latin-1)."))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _lines(text: str) -> list[tuple[int, str | None]]:
    """(line number, text); None marks a SWIFT envelope line `{1:...}` that ends any field."""
    result: list[tuple[int, str | None]] = []
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith("{") or stripped == "}":
            block4 = line.find("{4:")
            rest = line[block4 + 3 :] if block4 >= 0 else ""
            result.append((number, rest if rest.strip() else None))
        else:
            result.append((number, line))
    return result


def _ends_message(items: list[tuple[int, str | None]], index: int) -> bool:
    """A lone "-" ends a message only if what follows starts a new one (or nothing does).

    ING writes mandate ids such as "MND-EV01" wrapped as "MND" / "-" / "EV01" inside `:86:`.
    """
    for _number, line in items[index + 1 :]:
        if line is None:
            return True
        match = _TAG.match(line)
        if match:
            return match["tag"] == "20"
    return True


def _blocks(text: str, prefix: str) -> list[_Block]:
    items = _lines(text)
    blocks: list[_Block] = []
    block: _Block | None = None
    current: _Field | None = None
    for index, (number, line) in enumerate(items):
        if line is None:
            current = None
            continue
        if _TERMINATOR.match(line.strip()) and _ends_message(items, index):
            current, block = None, None
            continue
        match = _TAG.match(line)
        if match:
            tag = match["tag"]
            if tag == "20":
                block = _Block(number)
                blocks.append(block)
            elif block is None:
                raise StatementError(
                    prefix
                    + _("line %(line)s: field :%(tag)s: comes before any :20: statement reference.")
                    % {"line": number, "tag": tag}
                )
            current = _Field(tag, [match["rest"]], number)
            block.fields.append(current)
        elif current is not None:
            current.lines.append(line)
        # Text outside any field is a bank's header line ("ABNANL2A", "940", ...).
    return blocks


def _real_date(year: int, month: int, day: int, where: str, warnings: list[str]) -> date:
    text = f"{year:04d}-{month:02d}-{day:02d}"
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise StatementError(_("%(where)s: %(value)s is not a date.") % {"where": where, "value": text})
    last = calendar.monthrange(year, month)[1]
    if day > last:
        # Some German banks book interest on 30 February.
        warnings.append(
            _("%(where)s: %(date)s does not exist; read as the %(day)sth.")
            % {"where": where, "date": text, "day": last}
        )
        day = last
    return date(year, month, day)


def _yymmdd(text: str, where: str, warnings: list[str]) -> date:
    year = int(text[:2])
    return _real_date(2000 + year if year < 70 else 1900 + year, int(text[2:4]), int(text[4:6]), where, warnings)


def _entry_date(text: str, value_date: date, where: str, warnings: list[str]) -> date:
    """MMDD without a year: the year that puts it nearest the value date (Dec/Jan)."""
    month, day = int(text[:2]), int(text[2:])
    candidates = [
        _real_date(year, month, day, where, warnings if year == value_date.year else [])
        for year in (value_date.year - 1, value_date.year, value_date.year + 1)
    ]
    return min(candidates, key=lambda d: abs((d - value_date).days))


def _decimal(text: str) -> Decimal:
    number = text.replace(",", ".")
    if number.startswith("."):
        number = "0" + number
    return Decimal(number.rstrip(".") or "0")


@dataclass(frozen=True, slots=True)
class _Balance:
    amount: Money
    tag: str


def _balance(f: _Field, where: str, warnings: list[str]) -> _Balance:
    text = f.lines[0].strip()
    match = _BALANCE.match(text)
    place = _("%(where)s, line %(line)s") % {"where": where, "line": f.lineno}
    if not match:
        raise StatementError(
            _("%(where)s: balance :%(tag)s: %(text)s is not credit/debit mark, YYMMDD date, currency and amount.")
            % {"where": place, "tag": f.tag, "text": repr(text)}
        )
    _yymmdd(match["date"], place, warnings)
    sign = 1 if match["mark"] == "C" else -1
    return _Balance(money(sign * _decimal(match["amount"]), match["currency"], place), f.tag)


def parse_mt940(data: bytes, *, filename: str = "") -> ParsedStatement:
    """Parse an MT940 file into lines; raise StatementError if it cannot be read."""
    prefix = f"{filename}: " if filename else ""
    warnings: list[str] = []
    blocks = _blocks(decode(data, warnings), prefix)
    if not blocks:
        raise StatementError(prefix + _("no MT940 statement found (no :20: field)."))
    parts = [
        _statement(block, prefix + _("statement %(number)s") % {"number": number}, warnings)
        for number, block in enumerate(blocks, start=1)
    ]
    return assemble("mt940", parts, warnings)


def _statement(block: _Block, name: str, warnings: list[str]) -> tuple[str, list[StatementLine], int]:
    """One `:20:` block: its account, its lines, and how many zero entries were skipped."""
    where = _("%(statement)s (line %(line)s)") % {"statement": name, "line": block.lineno}
    if any(f.tag in {"34F", "90D", "90C"} for f in block.fields):
        raise StatementError(
            _("%(where)s: this is an MT942 intraday report, not an MT940 statement of booked entries.")
            % {"where": where}
        )
    balances = [_balance(f, where, warnings) for f in block.fields if f.tag[:2] in {"60", "62"}]
    opening = next((b for b in balances if b.tag.startswith("60")), None)
    closing = next((b for b in reversed(balances) if b.tag.startswith("62")), None)
    if closing is None:
        raise StatementError(
            _("%(where)s: the statement has no closing balance (:62F:); the file looks truncated.") % {"where": where}
        )
    currency = (opening or closing).amount.currency
    account = _account(block, currency)
    if not account:
        raise StatementError(_("%(where)s: the statement names no account (:25:).") % {"where": where})

    # An :86: right after a :61: belongs to it; one after :62F: is about the statement.
    entries: list[tuple[_Field, _Field | None]] = []
    for previous, f in zip([None, *block.fields], block.fields, strict=False):
        if f.tag == "61":
            entries.append((f, None))
        elif f.tag in {"86", "NS"} and previous is not None and previous.tag == "61":
            entries[-1] = (previous, f)
    lines: list[StatementLine] = []
    skipped = 0
    total = Decimal(0)
    for entry, details in entries:
        entry_where = _("%(where)s, entry on line %(line)s") % {"where": where, "line": entry.lineno}
        line = _line(entry, details, currency, account, entry_where, warnings)
        total += line.amount.amount
        if line.amount.amount == 0:
            skipped += 1  # informational entry (Citibank BAI balance notes)
        else:
            lines.append(line)
    if opening is not None and opening.amount.amount + total != closing.amount.amount:
        warnings.append(
            _(
                "%(where)s: opening balance %(opening)s plus the entries (%(total)s %(currency)s) "
                "does not equal the closing balance %(closing)s."
            )
            % {
                "where": where,
                "opening": opening.amount,
                "total": total,
                "currency": currency,
                "closing": closing.amount,
            }
        )
    return account, lines, skipped


def _account(block: _Block, currency: str) -> str:
    """The `:25:` account, without the currency some banks append ("NL34RABO0142623393 EUR")."""
    f = next((f for f in block.fields if f.tag == "25"), None)
    if f is None:
        return ""
    text = clean_text(" ".join(f.lines))
    match = _ACCOUNT_CURRENCY.match(text)
    if match and match["currency"] == currency:
        text = match["account"].strip()
    return clean_account(text)


def _line(
    entry: _Field, details_field: _Field | None, currency: str, account: str, where: str, warnings: list[str]
) -> StatementLine:
    first = entry.lines[0].rstrip()
    match = _ENTRY.match(first)
    if not match:
        raise StatementError(
            _(
                "%(where)s: :61: %(text)s is not value date, credit/debit mark and amount "
                "(the file may be truncated or damaged)."
            )
            % {"where": where, "text": repr(first)}
        )
    sign, is_reversal = _SIGNS[match["mark"]]
    value_date = _yymmdd(match["value"], where, warnings)
    entry_text = (match["entry"] or "").strip()
    booking_date = _entry_date(entry_text, value_date, where, warnings) if entry_text else value_date
    customer_ref, _slashes, bank_ref = match["rest"].partition("//")
    supplementary = clean_text(" ".join(entry.lines[1:]))
    details = interpret(details_field.lines, details_field.tag) if details_field else Details()
    payer_account = details.payer_account
    for candidate in (supplementary, customer_ref.strip()):
        if not payer_account and looks_like_iban(candidate):
            payer_account = clean_account(candidate)
    return StatementLine(
        booking_date=booking_date,
        value_date=value_date,
        amount=money(sign * _decimal(match["amount"]), currency, where),
        remittance=details.remittance if details_field else supplementary,
        structured_reference=details.structured_reference,
        end_to_end_id=details.end_to_end_id,
        bank_reference=clean_reference(bank_ref),
        payer_name=details.payer_name,
        payer_account=payer_account,
        is_reversal=is_reversal,
        statement_account=account,
    )
