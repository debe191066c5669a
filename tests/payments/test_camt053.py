"""camt.053 specifics: versions, batches, reversals, parties, dates, references, safety."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from solidarity.core.money import Money
from solidarity.payments.statements import StatementError, parse_statement
from solidarity.payments.statements.camt053 import parse_camt053

from .statement_files import EDGE, any_file, shared_file


def _camt(name: str):  # type: ignore[no-untyped-def]
    path = any_file("camt053", name)
    return parse_camt053(path.read_bytes(), filename=name)


def test_v4_batches_are_split_per_transaction() -> None:
    parsed = _camt("viafintech_valid_example_v4.xml")
    assert parsed.account == "CH0309000000250090342"
    assert len(parsed.lines) == 32
    credits = [line for line in parsed.lines if line.amount.is_positive()]
    debits = [line for line in parsed.lines if not line.amount.is_positive()]
    assert len(credits) == 24 and len(debits) == 8
    assert sum(line.is_reversal for line in parsed.lines) == 2
    assert all(line.amount.currency == "CHF" for line in parsed.lines)
    # The batch of ten ESR credits booked as one 1000.00 entry became ten lines.
    batch = [
        line for line in parsed.lines if line.bank_reference.startswith("160527CH00T") and line.structured_reference
    ]
    assert len(batch) == 10
    assert sum((line.amount.amount for line in batch), Decimal(0)) == Decimal("1000.00")
    assert sum(1 for line in parsed.lines if line.structured_reference) == 10
    assert "CreditorReference" in [line.structured_reference for line in parsed.lines]


def test_v8_references_and_foreign_currency_entry() -> None:
    lines = _camt("viafintech_valid_example_v8.xml").lines
    scor, qrr, eur = lines[1], lines[2], lines[0]
    assert scor.structured_reference == "RF38000000000000000000552"
    assert scor.amount == Money(Decimal("88.85"), "CHF")
    assert scor.payer_name == "Finanz AG"
    assert qrr.structured_reference == "000000270148751802165444888"
    assert qrr.amount == Money(Decimal("-20.97"), "EUR")
    # A debit's counterparty is the creditor.
    assert qrr.payer_name == "DHL Express (Schweiz) AG"
    assert qrr.payer_account == "CH2222222222222222222"
    # "Payment" appears as AddtlTxInf and AddtlNtryInf: kept once.
    assert eur.remittance == "INVOICE R77561 Payment"
    assert eur.amount == Money(Decimal("474.40"), "CHF")


@pytest.mark.parametrize("name", ["genkgo_camt053.v3.xml", "genkgo_camt053.v8.xml"])
def test_genkgo_scor_reference(name: str) -> None:
    (line,) = _camt(name).lines
    assert line.structured_reference == "4654654654654654"
    assert line.amount == Money(Decimal("8.85"), "EUR")  # the entry amount, not the TxDtls one
    assert line.booking_date == date(2014, 12, 31)  # BookgDt/DtTm in v8, local date kept
    assert line.value_date == date(2015, 1, 2)
    assert line.payer_name == "NAME NAME"
    assert line.payer_account == "NL56AGDH9619008421"
    assert line.end_to_end_id == ("MUELL/FINP/RA12345" if "v8" in name else "")


def test_multi_statement() -> None:
    parsed = _camt("genkgo_camt053.v2.multi.statement.xml")
    assert parsed.statements == 2
    assert [line.amount.amount for line in parsed.lines] == [Decimal("8.85"), Decimal("-7.00")]
    assert [line.end_to_end_id for line in parsed.lines] == ["000000001", "000000002"]


def test_datetime_dates_and_nanoseconds() -> None:
    (line,) = _camt("viafintech_valid_example_with_datetime.xml").lines
    assert line.booking_date == date(2023, 6, 21)
    assert line.value_date is None
    assert line.amount == Money(Decimal("195.86"), "USD")
    assert line.statement_account == "11111111"


def test_batch_without_transaction_details_stays_one_line() -> None:
    parsed = _camt("viafintech_valid_example_with_batch.xml")
    assert parsed.lines[0].amount == Money(Decimal("-4753.74"), "EUR")
    assert parsed.lines[0].remittance == ""
    assert parsed.lines[2].end_to_end_id == ""  # TxDtls without EndToEndId
    assert parsed.lines[2].payer_name == "Bedrijf BV"


def test_notprovided_and_bban_counterparty() -> None:
    lines = _camt("viafintech_valid_example.xml").lines
    assert lines[1].end_to_end_id == ""  # NOTPROVIDED
    assert lines[2].payer_account == "740618130100033626"  # Othr/Id, stripped
    assert lines[0].payer_name == "Testkonto Nummer 2"  # debit: the creditor
    assert [line.amount.amount for line in lines[3:]] == [Decimal("-3.50"), Decimal("-2.50")]
    assert "Überweisungs-Gutschrift" in lines[0].remittance  # AddtlNtryInf appended


def test_reversed_direct_debit_batch() -> None:
    lines = _camt(shared_file("camt053", "oca_test-camt053.xml").name).lines
    reversal = [line for line in lines if line.is_reversal]
    assert [line.amount.amount for line in reversal] == [Decimal("-564.05"), Decimal("-100.00")]
    assert [line.end_to_end_id for line in reversal] == [
        "TESTBANK/NL/20141229/01206408",
        "TESTBANK/NL/20141229/01206407",
    ]
    assert lines[-1].end_to_end_id == "115"
    assert lines[-1].payer_name == "3rd party Media"


def test_swiss_batch_with_isr_references() -> None:
    lines = _camt(shared_file("camt053", "oca_test-camt053-txdtls.xml").name).lines
    assert [(line.amount.amount, line.structured_reference) for line in lines] == [
        (Decimal("2187.00"), "302388292000011111111111111"),
        (Decimal("1296.00"), "302388292000022222222222222"),
    ]
    assert all("?REJECT?" not in line.remittance for line in lines)
    assert all("CRÉDIT GROUPÉ BVR" in line.remittance for line in lines)


def test_doctype_entities_are_not_expanded() -> None:
    parsed = parse_statement((EDGE / "camt053_doctype_entity.xml").read_bytes())
    (line,) = parsed.lines
    assert line.remittance == "Spende Ende"
    assert "RF18" not in line.remittance and "root" not in line.remittance and "lol" not in line.remittance
    assert line.payer_name == ""
    assert any("DOCTYPE" in warning for warning in parsed.warnings)


def test_truncated_camt_is_refused() -> None:
    with pytest.raises(StatementError, match=r"not well-formed XML \(line \d+\).*truncated"):
        parse_statement((EDGE / "camt053_truncated.xml").read_bytes(), filename="camt053_truncated.xml")


def _document(
    entry: str, *, ns: str = "camt.053.001.02", account: str = "<IBAN>DE89370400440532013000</IBAN>"
) -> bytes:
    return f"""<?xml version="1.0"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:{ns}"><BkToCstmrStmt><Stmt><Id>S1</Id>
<Acct><Id>{account}</Id></Acct>{entry}</Stmt></BkToCstmrStmt></Document>""".encode()


def _entry(amount: str = '<Amt Ccy="EUR">10.00</Amt>', booking: str = "<Dt>2024-03-04</Dt>", extra: str = "") -> str:
    return f"<Ntry>{amount}<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt>{booking}</BookgDt>{extra}</Ntry>"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_document(_entry(amount='<Amt Ccy="EUR">12,50</Amt>')), r"entry 1 \(line \d+\): '12,50' is not an amount"),
        (_document(_entry(amount='<Amt Ccy="EUR">-12.50</Amt>')), "is not an amount"),
        (_document(_entry(amount="<Amt>12.50</Amt>")), "no currency"),
        (_document(_entry(amount='<Amt Ccy="XYZ">12.50</Amt>')), "Unknown currency 'XYZ'"),
        (_document(_entry(amount='<Amt Ccy="JPY">12.50</Amt>')), "more decimal places than JPY allows"),
        (_document(_entry(booking="<Dt>2024-02-30</Dt>")), "not a real calendar date"),
        (_document(_entry(booking="<Dt>04.03.2024</Dt>")), "'04.03.2024' is not a date"),
        (_document(_entry(booking="")), "neither a booking date nor a value date"),
        (_document(_entry().replace("CRDT", "CREDIT")), "must be CRDT or DBIT"),
        (_document(_entry(), account=""), "names no account"),
        (_document("").replace(b"<Stmt><Id>S1</Id>", b"<X>").replace(b"</Stmt>", b"</X>"), "no statement"),
        (b"<Document><BkToCstmrDbtCdtNtfctn/></Document>", "camt.054"),
        (b"<Document><BkToCstmrAcctRpt/></Document>", "camt.052"),
        (b"<html><body>Login</body></html>", "not a camt.053 bank statement"),
        (b"<Document><BkToCstmrStmt><Stmt>", "not well-formed XML"),
    ],
)
def test_malformed_camt_gives_a_clear_error(data: bytes, message: str) -> None:
    with pytest.raises(StatementError, match=message) as caught:
        parse_statement(data, filename="bank.xml")
    assert caught.value.code == "invalid_statement"


def test_versions_and_missing_namespace() -> None:
    for ns in ("camt.053.001.02", "camt.053.001.06", "camt.053.001.10"):
        parsed = parse_statement(_document(_entry(), ns=ns))
        assert parsed.warnings == []
        assert parsed.lines[0].amount == Money(Decimal("10.00"), "EUR")
    bare = parse_statement(_document(_entry()).replace(b' xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"', b""))
    assert len(bare.lines) == 1
    assert any("namespace" in warning for warning in bare.warnings)


def test_pending_and_zero_entries_are_skipped() -> None:
    pending = _entry().replace("<Sts>BOOK</Sts>", "<Sts><Cd>PDNG</Cd></Sts>")
    zero = _entry(amount='<Amt Ccy="EUR">0.00</Amt>')
    parsed = parse_statement(_document(pending + zero + _entry()))
    assert (len(parsed.lines), parsed.skipped) == (1, 2)
    assert any("PDNG" in warning for warning in parsed.warnings)


def test_batch_whose_transactions_do_not_add_up_stays_one_line() -> None:
    tx = '<TxDtls><Amt Ccy="EUR">{}</Amt><RmtInf><Ustrd>{}</Ustrd></RmtInf></TxDtls>'
    details = f"<NtryDtls>{tx.format('4.00', 'a')}{tx.format('5.00', 'b')}</NtryDtls>"
    parsed = parse_statement(_document(_entry(extra=details)))
    (line,) = parsed.lines
    assert line.amount == Money(Decimal("10.00"), "EUR")
    assert line.remittance == "a b"
    assert any("add up to 9.00" in warning for warning in parsed.warnings)


def test_reversal_counterparty_is_the_original_payer() -> None:
    entry = (
        '<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts>BOOK</Sts>'
        "<BookgDt><Dt>2024-03-04</Dt></BookgDt><NtryDtls><TxDtls><RltdPties>"
        "<Dbtr><Nm>Donor</Nm></Dbtr><DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct>"
        "<Cdtr><Nm>Us</Nm></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct>"
        "</RltdPties></TxDtls></NtryDtls></Ntry>"
    )
    (line,) = parse_statement(_document(entry)).lines
    assert line.is_reversal and line.amount.amount == Decimal("-10.00")
    assert (line.payer_name, line.payer_account) == ("Donor", "DE02120300000000202051")
