"""CSV through a column mapping, and format detection by content."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from solidarity.core.money import Money
from solidarity.payments.statements import CsvMapping, StatementError, detect_format, parse_statement
from solidarity.payments.statements.csv_format import parse_amount

from .statement_files import EDGE, LOCAL

GERMAN = CsvMapping(
    date="Buchungstag",
    value_date="Valuta",
    payer_name="Auftraggeber/Empfänger",
    payer_account="IBAN",
    remittance="Verwendungszweck",
    amount="Betrag",
    currency="Währung",
    bank_reference="Bankreferenz",
    date_format="%d.%m.%Y",
    decimal_comma=True,
    account="DE89 3704 0044 0532 0130 00",
)


def test_german_csv_with_bom_semicolons_and_decimal_comma() -> None:
    parsed = parse_statement((EDGE / "csv_decimal_comma.csv").read_bytes(), csv_mapping=GERMAN)
    assert (parsed.format, parsed.statements, parsed.skipped) == ("csv", 1, 1)
    assert parsed.account == "DE89370400440532013000"
    amounts = [line.amount for line in parsed.lines]
    assert amounts == [
        Money(Decimal("1234.56"), "EUR"),
        Money(Decimal("25.00"), "EUR"),
        Money(Decimal("-7.50"), "EUR"),
        Money(Decimal("-10.00"), "EUR"),
    ]
    first = parsed.lines[0]
    assert first.remittance == "Spende; RF18 5390 0754 7034"  # quoted delimiter kept
    assert first.payer_account == "DE02120300000000202051"
    assert (first.booking_date, first.value_date) == (date(2024, 3, 4), date(2024, 3, 4))
    assert parsed.lines[2].value_date is None
    assert parsed.lines[1].remittance == "Solidarność RF27SAK12X"
    assert parsed.lines[3].remittance == 'Soutien "Familles"'
    assert len({line.checksum for line in parsed.lines}) == 4


def test_debit_and_credit_columns_with_fixed_currency_and_given_delimiter() -> None:
    data = b'Date,Credit,Debit,Details\n2024-03-04,"1,250.00",,Donation\n2024-03-05,,12.5,Fee\n2024-03-06,0,0,Note\n'
    mapping = CsvMapping(
        date="date", credit="CREDIT", debit="Debit", remittance=("Details",), fixed_currency="usd", delimiter=","
    )
    parsed = parse_statement(data, csv_mapping=mapping)
    assert [line.amount for line in parsed.lines] == [Money(Decimal("1250.00"), "USD"), Money(Decimal("-12.50"), "USD")]
    assert parsed.skipped == 1


@pytest.mark.parametrize(
    ("text", "comma", "expected"),
    [
        ("1.234,56", True, Decimal("1234.56")),
        ("12,50-", True, Decimal("-12.50")),
        ("+3,00", True, Decimal("3.00")),
        ("(12.50)", False, Decimal("-12.50")),
        ("1'234.50", False, Decimal("1234.50")),
        ("\u22125.00", False, Decimal("-5.00")),
        ("1 000,00", True, Decimal("1000.00")),
        ("", False, None),
    ],
)
def test_csv_amount_formats(text: str, comma: bool, expected: Decimal | None) -> None:
    assert parse_amount(text, decimal_comma=comma, where="x") == expected


@pytest.mark.parametrize(
    ("data", "mapping", "message"),
    [
        (
            b"Datum;Betrag\n04.03.2024;abc\n",
            CsvMapping(date="Datum", amount="Betrag", fixed_currency="EUR", date_format="%d.%m.%Y", decimal_comma=True),
            "line 2: 'abc' is not an amount",
        ),
        (
            b"Datum;Betrag\n2024-03-04;1,00\n",
            CsvMapping(date="Datum", amount="Betrag", fixed_currency="EUR", date_format="%d.%m.%Y", decimal_comma=True),
            "line 2: '2024-03-04' is not a date in the format %d.%m.%Y",
        ),
        (
            b"Datum;Betrag\n04.03.2024;1,00\n",
            CsvMapping(date="Date", amount="Betrag", fixed_currency="EUR"),
            r"no column 'Date'; its header \(line 1\) has: Datum, Betrag",
        ),
        (
            b"Datum;Betrag;W\n04.03.2024;1,00;ZZZ\n",
            CsvMapping(date="Datum", amount="Betrag", currency="W", date_format="%d.%m.%Y", decimal_comma=True),
            "line 2: Unknown currency 'ZZZ'",
        ),
        (
            b"Datum;Betrag;W\n04.03.2024;1,00;\n",
            CsvMapping(date="Datum", amount="Betrag", currency="W", date_format="%d.%m.%Y", decimal_comma=True),
            "line 2: no currency",
        ),
        (
            b"Datum;Betrag\n04.03.2024;\n",
            CsvMapping(date="Datum", amount="Betrag", fixed_currency="EUR", date_format="%d.%m.%Y"),
            "the amount is empty",
        ),
        (
            b"D;S;H\n04.03.2024;1,00;2,00\n",
            CsvMapping(
                date="D", debit="S", credit="H", fixed_currency="EUR", date_format="%d.%m.%Y", decimal_comma=True
            ),
            "both the debit and the credit",
        ),
        (
            b"D;Betrag\n04.03.2024;1,005\n",
            CsvMapping(date="D", amount="Betrag", fixed_currency="EUR", date_format="%d.%m.%Y", decimal_comma=True),
            "more decimal places",
        ),
        (
            "D;Betrag\n04.03.2024;1,00;M\u00fcller\n".encode("latin-1"),
            CsvMapping(date="D", amount="Betrag", fixed_currency="EUR"),
            "not utf-8 text",
        ),
        (b"\xef\xbb\xbf\n \n", CsvMapping(date="D", amount="A", fixed_currency="EUR"), "empty"),
    ],
)
def test_csv_errors_name_the_line(data: bytes, mapping: CsvMapping, message: str) -> None:
    with pytest.raises(StatementError, match=message):
        parse_statement(data, csv_mapping=mapping, filename="export.csv")


def test_csv_in_another_encoding() -> None:
    data = "D;Betrag;Text\n04.03.2024;1,00;M\u00fcller\n".encode("cp1252")
    mapping = CsvMapping(
        date="D",
        amount="Betrag",
        remittance="Text",
        fixed_currency="EUR",
        date_format="%d.%m.%Y",
        decimal_comma=True,
        encoding="cp1252",
    )
    assert parse_statement(data, csv_mapping=mapping).lines[0].remittance == "Müller"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"date": "D"},
        {"date": "D", "amount": "A"},
        {"date": "D", "amount": "A", "debit": "S", "fixed_currency": "EUR"},
        {"date": "D", "amount": "A", "fixed_currency": "EUR", "delimiter": ";;"},
    ],
)
def test_incomplete_mappings_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(StatementError):
        CsvMapping(**kwargs)


def test_detection_by_content() -> None:
    camt = (LOCAL / "camt053" / "genkgo_camt053.v3.xml").read_bytes()
    mt940 = (LOCAL / "mt940" / "wolph_mBank_mt940.sta").read_bytes()
    assert detect_format(camt) == "camt053"
    assert detect_format(b"\xef\xbb\xbf  \n" + camt) == "camt053"
    assert detect_format(mt940) == "mt940"
    assert detect_format((EDGE / "csv_decimal_comma.csv").read_bytes()) is None
    # The file name plays no part.
    assert parse_statement(camt, filename="statement.csv").format == "camt053"


@pytest.mark.parametrize("data", [b"", b"   \n\r\n", b"\xef\xbb\xbf", (EDGE / "empty.xml").read_bytes()])
def test_empty_input(data: bytes) -> None:
    with pytest.raises(StatementError, match="is empty"):
        parse_statement(data, filename="upload.xml")


@pytest.mark.parametrize("data", [b"%PDF-1.4 binary", b"\x89PNG\r\n\x1a\n", b"Date;Amount\n2024-03-04;1.00\n"])
def test_unknown_format_without_mapping(data: bytes) -> None:
    with pytest.raises(
        StatementError, match=r"neither a camt\.053 \(or camt\.052/054\) XML statement nor an MT940"
    ) as caught:
        parse_statement(data, filename="upload.bin")
    assert caught.value.code == "invalid_statement"


def test_mapping_is_ignored_for_a_real_statement() -> None:
    mt940 = (LOCAL / "mt940" / "wolph_jejik_knab.sta").read_bytes()
    parsed = parse_statement(mt940, csv_mapping=GERMAN)
    assert parsed.format == "mt940"
    assert any("CSV mapping was not used" in warning for warning in parsed.warnings)
