"""camt.052 and camt.054 beside camt.053 (same parser, booked entries only), UTF-16 files,
and CSV exports with lines before the header."""

from __future__ import annotations

from decimal import Decimal

import pytest

from solidarity.core.money import Money
from solidarity.payments.statements import CsvMapping, StatementError, detect_format, parse_statement
from tests.payments.camt_builder import camt

from .statement_files import EDGE, LOCAL

GENKGO_052 = [LOCAL / "camt052" / "genkgo_camt052.v2.xml", LOCAL / "camt052" / "genkgo_camt052.v8.xml"]
GENKGO_054 = LOCAL / "camt054" / "genkgo_camt054.v2.xml"
SKIPPING = CsvMapping(
    date="Buchungstag",
    value_date="Valuta",
    payer_name="Auftraggeber/Empfänger",
    payer_account="IBAN",
    remittance="Verwendungszweck",
    debit="Soll",
    credit="Haben",
    fixed_currency="EUR",
    date_format="%d.%m.%Y",
    decimal_comma=True,
    account="DE89370400440532013000",
    skip_lines=5,
)


def as_kind(statement: bytes, message: str, element: str, version: str) -> bytes:
    """A camt.053 of camt_builder rewritten as camt.052 or camt.054 (the same entries)."""
    return (
        statement.replace(b"camt.053.001.02", version.encode())
        .replace(b"BkToCstmrStmt", message.encode())
        .replace(b"<Stmt>", f"<{element}>".encode())
        .replace(b"</Stmt>", f"</{element}>".encode())
    )


@pytest.mark.parametrize("path", [*GENKGO_052, GENKGO_054], ids=lambda p: p.name)
def test_real_world_camt052_and_camt054_files_are_read(path) -> None:
    parsed = parse_statement(path.read_bytes(), filename=path.name)
    assert parsed.format == ("camt054" if "054" in path.name else "camt052")
    assert parsed.account == "CH2801234000123456789"
    assert [line.amount for line in parsed.lines] == [Money(Decimal("-200000"), "SEK")]


@pytest.mark.parametrize(
    ("message", "element", "version", "kind"),
    [
        ("BkToCstmrAcctRpt", "Rpt", "camt.052.001.02", "camt052"),
        ("BkToCstmrDbtCdtNtfctn", "Ntfctn", "camt.054.001.02", "camt054"),
    ],
)
def test_reports_and_notifications_keep_only_booked_entries(message, element, version, kind) -> None:
    statement = camt([{"amount": "40.00", "text": "booked"}, {"amount": "15.00", "text": "pending"}])
    pending_entry = statement.replace(b"<Sts>BOOK</Sts>", b"<Sts>PDNG</Sts>", 2).replace(
        b"<Sts>PDNG</Sts>", b"<Sts>BOOK</Sts>", 1
    )
    parsed = parse_statement(as_kind(pending_entry, message, element, version))
    assert parsed.format == kind
    assert [line.remittance for line in parsed.lines] == ["booked"]
    assert parsed.skipped == 1 and any("PDNG" in w for w in parsed.warnings)
    assert not any("namespace" in w for w in parsed.warnings)


def test_a_report_entry_without_a_status_is_not_taken_as_booked() -> None:
    statement = as_kind(camt([{"amount": "40.00"}]), "BkToCstmrAcctRpt", "Rpt", "camt.052.001.02")
    parsed = parse_statement(statement.replace(b"<Sts>BOOK</Sts>", b""))
    assert parsed.lines == [] and parsed.skipped == 1


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_xml_is_read_like_utf8(encoding) -> None:
    text = (
        camt([{"amount": "40.00", "text": "Спасибо, Łódź"}]).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    )
    parsed = parse_statement(text.encode(encoding))
    assert detect_format(text.encode(encoding)) == "camt053"
    assert parsed.lines[0].remittance == "Спасибо, Łódź"
    assert (
        parsed.lines[0].checksum
        == parse_statement(camt([{"amount": "40.00", "text": "Спасибо, Łódź"}])).lines[0].checksum
    )


def test_utf16_csv_is_read_whatever_the_mapping_says() -> None:
    data = (EDGE / "csv_lines_before_header.csv").read_text(encoding="utf-8").encode("utf-16")
    parsed = parse_statement(data, csv_mapping=SKIPPING)
    assert parsed.lines[0].payer_name == "Anna Kowalska"


def test_csv_lines_before_the_header_are_skipped_when_asked() -> None:
    data = (EDGE / "csv_lines_before_header.csv").read_bytes()
    parsed = parse_statement(data, csv_mapping=SKIPPING)
    assert [line.amount for line in parsed.lines] == [Money(Decimal("40.00"), "EUR"), Money(Decimal("-7.50"), "EUR")]
    assert parsed.lines[0].remittance == "Spende für Sergei"
    without = CsvMapping(**{**{f: getattr(SKIPPING, f) for f in SKIPPING.__dataclass_fields__}, "skip_lines": 0})
    with pytest.raises(StatementError, match="lines before the header"):
        parse_statement(data, csv_mapping=without)


def test_a_bad_row_after_skipped_lines_is_named_by_its_line_in_the_file() -> None:
    data = (EDGE / "csv_lines_before_header.csv").read_bytes().replace(b'"20.11.2026";"20.11.2026"', b'"2026-11-20";""')
    with pytest.raises(StatementError, match="line 7"):
        parse_statement(data, csv_mapping=SKIPPING)
