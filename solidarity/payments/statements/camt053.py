"""ISO 20022 camt.053 (BankToCustomerStatement), versions .001.02 to .001.10, and beside it
camt.052 (BankToCustomerAccountReport) and camt.054 (BankToCustomerDebitCreditNotification):
the same entries in another envelope (`Rpt`, `Ntfctn` instead of `Stmt`), read by the same
code; of these two only booked entries (status BOOK) are kept, since reports and
notifications also announce pending ones.

Elements are found by local name, so every version's namespace (and none) works; the
fields used here kept their names across versions, except that parties moved under
`Pty` in .001.08, which is handled explicitly.

One line per entry (`Ntry`) using the entry amount, except for a batch booking whose
`TxDtls` each carry an amount in the entry's currency that add up to the entry: then
each `TxDtls` becomes a line, because each is one donor's transfer. Entries that are
not booked (PDNG, INFO) and zero amounts are skipped and counted.

The XML parser never resolves entities, loads DTDs or touches the network: a statement
is untrusted upload.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TypeAlias

from django.utils.translation import gettext as _
from lxml import etree

from solidarity.core.money import Money

from .errors import StatementError
from .lines import ParsedStatement, StatementFormat, StatementLine, assemble
from .references import normalise_structured_reference
from .text import clean_account, clean_reference, clean_text, join_texts
from .values import iso_date, money, unsigned_decimal

_VERSION = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.05([234])\.001\.(\d{2})$")
_SUPPORTED_VERSIONS = range(2, 11)
_NOT_BOOKED = {"PDNG", "INFO", "FUTR"}


@dataclass(frozen=True, slots=True)
class _Kind:
    """One of the three cash-management messages that carry entries, all read the same way."""

    message: str  # the document's message element
    statement: str  # the element per account inside it
    format: StatementFormat
    name: str
    booked_only: bool  # reports and notifications also carry pending entries: keep only BOOK


_KINDS = (
    _Kind("BkToCstmrStmt", "Stmt", "camt053", "camt.053", booked_only=False),
    _Kind("BkToCstmrAcctRpt", "Rpt", "camt052", "camt.052", booked_only=True),
    _Kind("BkToCstmrDbtCdtNtfctn", "Ntfctn", "camt054", "camt.054", booked_only=True),
)
# PostFinance puts ESR processing flags ("?REJECT?0", "?ERROR?000") in AddtlRmtInf.
_PROCESSING_FLAG = re.compile(r"^\s*\?[A-Z]+\?\d*\s*$")

# lxml ships no type stubs in this environment; the alias documents intent.
Element: TypeAlias = etree._Element


def xml_parser() -> etree.XMLParser:
    """A parser that cannot be turned against the server (no XXE, no DTD, no network)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _q(path: str) -> str:
    return "/".join(f"{{*}}{part}" for part in path.split("/"))


def _find(element: Element, path: str) -> Element | None:
    return element.find(_q(path))


def _findall(element: Element, path: str) -> list[Element]:
    return list(element.findall(_q(path)))


def _leaf_text(element: Element) -> str:
    """Text of an element, leaving unexpanded entity references out."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(_leaf_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _text(element: Element, *paths: str) -> str:
    """Stripped text of the first of `paths` that exists, else ""."""
    for path in paths:
        found = _find(element, path)
        if found is not None:
            return _leaf_text(found).strip()
    return ""


def _texts(element: Element, path: str) -> list[str]:
    return [_leaf_text(e) for e in _findall(element, path)]


def _local(element: Element) -> str:
    return etree.QName(element).localname


@dataclass(frozen=True, slots=True)
class _Tx:
    """What one `TxDtls` says (all optional)."""

    amount: Decimal | None
    currency: str
    sign: int  # its own CdtDbtInd, else the entry's
    remittance: list[str]
    references: list[str]
    end_to_end_id: str
    bank_reference: str
    payer_name: str
    payer_account: str


@dataclass(frozen=True, slots=True)
class _Entry:
    where: str
    amount: Money  # signed
    booking_date: date
    value_date: date | None
    is_reversal: bool
    bank_reference: str
    additional_info: str
    account: str


def parse_xml(data: bytes, what: str) -> Element:
    """Parse untrusted XML or raise StatementError with the line of the fault."""
    try:
        return etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        raise StatementError(
            _("%(what)s is not well-formed XML (line %(line)s): %(error)s. The file may be truncated or damaged.")
            % {"what": what, "line": line, "error": exc.msg}
        ) from exc


def parse_camt053(data: bytes, *, filename: str = "") -> ParsedStatement:
    """Parse a camt.053 statement, a camt.052 account report or a camt.054 notification into
    lines (of the last two, booked entries only); raise StatementError if it cannot be read."""
    prefix = f"{filename}: " if filename else ""
    root = parse_xml(data, filename or _("The statement"))
    warnings: list[str] = []
    kind, message = _message(root, prefix, warnings)
    statements = _findall(message, kind.statement)
    if not statements:
        raise StatementError(
            prefix
            + _("the %(kind)s message contains no statement (%(element)s).")
            % {"kind": kind.name, "element": kind.statement}
        )
    parts = [
        _statement(stmt, prefix + _("statement %(number)s") % {"number": number}, warnings, kind)
        for number, stmt in enumerate(statements, start=1)
    ]
    return assemble(kind.format, parts, warnings)


def _message(root: Element, prefix: str, warnings: list[str]) -> tuple[_Kind, Element]:
    """The message element and its kind, or a StatementError saying what the XML is instead."""
    for kind in _KINDS:
        message = root if _local(root) == kind.message else _find(root, kind.message)
        if message is not None:
            break
    else:
        raise StatementError(
            prefix
            + _(
                "the XML is not a camt.053 bank statement, nor a camt.052 report or camt.054 "
                "notification (no BkToCstmrStmt, BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn element)."
            )
        )
    if root.getroottree().docinfo.doctype:
        warnings.append(_("The XML declares a DOCTYPE; its entities were not expanded."))
    namespace = etree.QName(root).namespace or ""
    version = _VERSION.match(namespace)
    if not version or f"camt.05{version[1]}" != kind.name or int(version[2]) not in _SUPPORTED_VERSIONS:
        if namespace:
            warnings.append(
                _("Unrecognised %(kind)s namespace %(namespace)s; read as %(kind)s.001.02-.10.")
                % {"kind": kind.name, "namespace": repr(namespace)}
            )
        else:
            warnings.append(
                _("Unrecognised %(kind)s namespace '(none)'; read as %(kind)s.001.02-.10.") % {"kind": kind.name}
            )
    return kind, message


def _statement(stmt: Element, name: str, warnings: list[str], kind: _Kind) -> tuple[str, list[StatementLine], int]:
    """One `Stmt` (`Rpt`, `Ntfctn`): its account, its lines, and how many entries were skipped."""
    stmt_id = _text(stmt, "Id")
    where = f"{name} ({stmt_id})" if stmt_id else name
    account = clean_account(_text(stmt, "Acct/Id/IBAN", "Acct/Id/Othr/Id"))
    if not account:
        raise StatementError(_("%(where)s: the statement names no account (Acct/Id).") % {"where": where})
    lines: list[StatementLine] = []
    booked: list[Money] = []
    skipped = 0
    for index, ntry in enumerate(_findall(stmt, "Ntry"), start=1):
        entry_where = _("%(where)s, entry %(number)s (line %(line)s)") % {
            "where": where,
            "number": index,
            "line": ntry.sourceline,
        }
        status = _text(ntry, "Sts/Cd") or _text(ntry, "Sts")
        if status.upper() in _NOT_BOOKED or (kind.booked_only and status.upper() != "BOOK"):
            skipped += 1
            if status:
                warnings.append(
                    _("%(where)s: skipped, its status is %(status)s (not booked).")
                    % {"where": entry_where, "status": status}
                )
            else:
                warnings.append(_("%(where)s: skipped, its status is missing (not booked).") % {"where": entry_where})
            continue
        entry_lines, entry_skipped, entry_amount = _entry_lines(ntry, entry_where, account, warnings)
        booked.append(entry_amount)
        lines.extend(entry_lines)
        skipped += entry_skipped
    if not kind.booked_only:  # reports and notifications need not carry every entry between balances
        _check_balances(stmt, where, booked, warnings)
    return account, lines, skipped


def _sign(indicator: str, where: str) -> int:
    if indicator == "CRDT":
        return 1
    if indicator == "DBIT":
        return -1
    if not indicator:
        raise StatementError(
            _("%(where)s: credit/debit indicator must be CRDT or DBIT, not 'missing'.") % {"where": where}
        )
    raise StatementError(
        _("%(where)s: credit/debit indicator must be CRDT or DBIT, not %(indicator)s.")
        % {"where": where, "indicator": repr(indicator)}
    )


def _amount_element(element: Element, where: str) -> tuple[Decimal, str]:
    currency = (element.get("Ccy") or "").strip()
    if not currency:
        raise StatementError(_("%(where)s: the amount has no currency (Ccy).") % {"where": where})
    return unsigned_decimal(_leaf_text(element), where), currency


def _entry(ntry: Element, where: str, account: str) -> _Entry:
    amount_el = _find(ntry, "Amt")
    if amount_el is None:
        raise StatementError(_("%(where)s: the entry has no amount (Amt).") % {"where": where})
    value, currency = _amount_element(amount_el, where)
    sign = _sign(_text(ntry, "CdtDbtInd"), where)
    booking_text = _text(ntry, "BookgDt/Dt", "BookgDt/DtTm")
    value_text = _text(ntry, "ValDt/Dt", "ValDt/DtTm")
    value_date = iso_date(value_text, _("%(where)s, value date") % {"where": where}) if value_text else None
    booking_date = (
        iso_date(booking_text, _("%(where)s, booking date") % {"where": where}) if booking_text else value_date
    )
    if booking_date is None:
        raise StatementError(_("%(where)s: the entry has neither a booking date nor a value date.") % {"where": where})
    return _Entry(
        where=where,
        amount=money(sign * value, currency, where),
        booking_date=booking_date,
        value_date=value_date,
        is_reversal=_text(ntry, "RvslInd").lower() in {"true", "1"},
        bank_reference=clean_reference(_text(ntry, "AcctSvcrRef") or _text(ntry, "NtryRef")),
        additional_info=_text(ntry, "AddtlNtryInf"),
        account=account,
    )


def _tx(tx: Element, entry: _Entry, where: str) -> _Tx:
    # Prefer the amount stated in the entry's (the account's) currency.
    candidates = [
        _amount_element(found, where)
        for path in ("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/CntrValAmt/Amt")
        if (found := _find(tx, path)) is not None
    ]
    in_entry_currency = [c for c in candidates if c[1].upper() == entry.amount.currency]
    chosen = (in_entry_currency or candidates)[:1]
    amount: Decimal | None = chosen[0][0] if chosen else None
    currency = chosen[0][1].upper() if chosen else ""
    indicator = _text(tx, "CdtDbtInd")
    sign = _sign(indicator, where) if indicator else (1 if entry.amount.is_positive() else -1)
    # The counterparty of a credit is the debtor; a reversal turns the direction round.
    incoming = (sign > 0) != entry.is_reversal
    name, account = _party(tx, "Dbtr" if incoming else "Cdtr")
    if not name and not account:
        name, account = _party(tx, "Cdtr" if incoming else "Dbtr")
        if account == entry.account:
            name, account = "", ""
    additional = [t for t in _texts(tx, "RmtInf/Strd/AddtlRmtInf") if not _PROCESSING_FLAG.match(t)]
    remittance = _texts(tx, "RmtInf/Ustrd") + additional + _texts(tx, "AddtlTxInf")
    references = [
        normalise_structured_reference(clean_text(r)) for r in _texts(tx, "RmtInf/Strd/CdtrRefInf/Ref") if r.strip()
    ]
    return _Tx(
        amount=amount,
        currency=currency,
        sign=sign,
        remittance=remittance,
        references=references,
        end_to_end_id=clean_reference(_text(tx, "Refs/EndToEndId")),
        bank_reference=clean_reference(_text(tx, "Refs/AcctSvcrRef")),
        payer_name=name,
        payer_account=account,
    )


def _party(tx: Element, role: str) -> tuple[str, str]:
    parties = _find(tx, "RltdPties")
    if parties is None:
        return "", ""
    name = _text(parties, f"{role}/Nm", f"{role}/Pty/Nm") or _text(parties, f"Ultmt{role}/Nm", f"Ultmt{role}/Pty/Nm")
    account = _text(parties, f"{role}Acct/Id/IBAN", f"{role}Acct/Id/Othr/Id")
    return clean_text(name), clean_account(account)


def _entry_lines(
    ntry: Element, where: str, account: str, warnings: list[str]
) -> tuple[list[StatementLine], int, Money]:
    """The lines of one entry, how many were skipped, and the entry's signed amount."""
    entry = _entry(ntry, where, account)
    txs = [
        _tx(tx, entry, _("%(where)s, transaction %(number)s") % {"where": where, "number": i})
        for i, tx in enumerate(_findall(ntry, "NtryDtls/TxDtls"), 1)
    ]
    split = _split_amounts(entry, txs, warnings) if len(txs) > 1 else None
    if split is not None:
        lines = [
            _line(entry, [tx], amount, tx.bank_reference or entry.bank_reference)
            for tx, amount in zip(txs, split, strict=True)
            if amount.amount != 0
        ]
        return lines, len(txs) - len(lines), entry.amount
    if entry.amount.amount == 0:
        return [], 1, entry.amount
    single_ref = txs[0].bank_reference if len(txs) == 1 else ""
    return [_line(entry, txs, entry.amount, entry.bank_reference or single_ref)], 0, entry.amount


def _split_amounts(entry: _Entry, txs: list[_Tx], warnings: list[str]) -> list[Money] | None:
    """Each TxDtls's signed amount when they all have one and add up to the entry, else None."""
    amounts = [tx.amount for tx in txs if tx.amount is not None and tx.currency == entry.amount.currency]
    if len(amounts) != len(txs):
        if any(tx.amount is not None for tx in txs):
            warnings.append(
                _("%(where)s: its %(count)s transactions do not all state an amount in %(currency)s; kept as one line.")
                % {"where": entry.where, "count": len(txs), "currency": entry.amount.currency}
            )
        return None
    signed = [
        money(
            tx.sign * value,
            entry.amount.currency,
            _("%(where)s, transaction %(number)s") % {"where": entry.where, "number": i},
        )
        for i, (tx, value) in enumerate(zip(txs, amounts, strict=True), start=1)
    ]
    total = sum((m.amount for m in signed), Decimal(0))
    if total != entry.amount.amount:
        warnings.append(
            _(
                "%(where)s: its %(count)s transactions add up to %(total)s but the entry is %(amount)s; kept as one line."
            )
            % {"where": entry.where, "count": len(txs), "total": total, "amount": entry.amount}
        )
        return None
    return signed


def _only(values: list[str]) -> str:
    distinct = list(dict.fromkeys(v for v in values if v))
    return distinct[0] if len(distinct) == 1 else ""


def _line(entry: _Entry, txs: list[_Tx], amount: Money, bank_reference: str) -> StatementLine:
    references = list(dict.fromkeys(r for tx in txs for r in tx.references))
    remittance_parts = [part for tx in txs for part in tx.remittance]
    # A transfer can quote several references; the first is the structured one, the
    # others stay findable in the remittance text.
    remittance = join_texts([*remittance_parts, *references[1:], entry.additional_info])
    return StatementLine(
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        amount=amount,
        remittance=remittance,
        structured_reference=references[0] if references else "",
        end_to_end_id=_only([tx.end_to_end_id for tx in txs]),
        bank_reference=bank_reference,
        payer_name=_only([tx.payer_name for tx in txs]),
        payer_account=_only([tx.payer_account for tx in txs]),
        is_reversal=entry.is_reversal,
        statement_account=entry.account,
    )


def _balance(stmt: Element, codes: tuple[str, ...], where: str) -> Money | None:
    for code in codes:
        for bal in _findall(stmt, "Bal"):
            if _text(bal, "Tp/CdOrPrtry/Cd") == code:
                amount_el = _find(bal, "Amt")
                if amount_el is None:
                    return None
                place = _("%(where)s, balance %(code)s") % {"where": where, "code": code}
                value, currency = _amount_element(amount_el, place)
                sign = _sign(_text(bal, "CdtDbtInd"), place)
                return money(sign * value, currency, place)
    return None


def _check_balances(stmt: Element, where: str, booked: list[Money], warnings: list[str]) -> None:
    """Warn when opening balance plus entries is not the closing balance (a gap in the file)."""
    opening = _balance(stmt, ("OPBD", "PRCD"), where)
    closing = _balance(stmt, ("CLBD",), where)
    if opening is None or closing is None:
        return
    currency = opening.currency
    if closing.currency != currency or any(m.currency != currency for m in booked):
        return
    total = sum((m.amount for m in booked), Decimal(0))
    if opening.amount + total != closing.amount:
        warnings.append(
            _(
                "%(where)s: opening balance %(opening)s plus the entries (%(total)s %(currency)s) "
                "does not equal the closing balance %(closing)s."
            )
            % {"where": where, "opening": opening, "total": total, "currency": currency, "closing": closing}
        )
