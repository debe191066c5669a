"""Properties: a generated camt.053 reads back exactly; damaged files fail cleanly."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from solidarity.donations.references import make_rf
from solidarity.payments.statements import StatementError, parse_statement
from solidarity.payments.statements.text import clean_text

from .statement_files import LOCAL

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
EXPONENT = {"EUR": 2, "CHF": 2, "USD": 2, "JPY": 0}


class Tx(NamedTuple):
    minor: int
    reference: str
    text: str


class Entry(NamedTuple):
    currency: str
    credit: bool
    txs: list[Tx]  # one: a plain entry; several: a batch split per transaction


references = st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=21).map(make_rf)
texts = st.text(st.characters(whitelist_categories=("L", "N", "P", "Zs", "S")), max_size=140)
txs = st.builds(Tx, minor=st.integers(1, 10**11), reference=references | st.just(""), text=texts)
entries = st.builds(
    Entry,
    currency=st.sampled_from(sorted(EXPONENT)),
    credit=st.booleans(),
    txs=st.lists(txs, min_size=1, max_size=4),
)


def _amount(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-EXPONENT[currency])


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    element.text = text
    return element


def _document(generated: list[Entry]) -> bytes:
    root = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})
    stmt = _sub(_sub(root, "BkToCstmrStmt"), "Stmt")
    _sub(stmt, "Id", "GEN-1")
    _sub(_sub(_sub(stmt, "Acct"), "Id"), "IBAN", "DE89370400440532013000")
    for entry in generated:
        ntry = _sub(stmt, "Ntry")
        total = sum(tx.minor for tx in entry.txs)
        _sub(ntry, "Amt", str(_amount(total, entry.currency)), Ccy=entry.currency)
        _sub(ntry, "CdtDbtInd", "CRDT" if entry.credit else "DBIT")
        _sub(_sub(ntry, "Sts"), "Cd", "BOOK")
        _sub(_sub(ntry, "BookgDt"), "Dt", "2024-03-04")
        details = _sub(ntry, "NtryDtls")
        for tx in entry.txs:
            tx_el = _sub(details, "TxDtls")
            if len(entry.txs) > 1:
                _sub(tx_el, "Amt", str(_amount(tx.minor, entry.currency)), Ccy=entry.currency)
            remittance = _sub(tx_el, "RmtInf")
            _sub(remittance, "Ustrd", tx.text)
            if tx.reference:
                ref_info = _sub(_sub(remittance, "Strd"), "CdtrRefInf")
                _sub(_sub(_sub(ref_info, "Tp"), "CdOrPrtry"), "Cd", "SCOR")
                _sub(ref_info, "Ref", tx.reference)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(entries, min_size=1, max_size=6))
def test_generated_camt053_round_trips(generated: list[Entry]) -> None:
    parsed = parse_statement(_document(generated))
    expected = [
        (
            (1 if entry.credit else -1) * _amount(tx.minor, entry.currency),
            entry.currency,
            tx.reference,
            clean_text(tx.text),
        )
        for entry in generated
        for tx in entry.txs
    ]
    actual = [
        (line.amount.amount, line.amount.currency, line.structured_reference, line.remittance) for line in parsed.lines
    ]
    assert actual == expected
    assert parsed.statements == 1 and parsed.skipped == 0 and parsed.warnings == []
    assert len({line.checksum for line in parsed.lines}) == len(parsed.lines)
    assert parse_statement(_document(generated)).lines == parsed.lines


SAMPLES = [
    LOCAL / "camt053" / "viafintech_valid_example.xml",
    LOCAL / "camt053" / "genkgo_camt053.v8.xml",
    LOCAL / "mt940" / "wolph_jejik_rabobank-iban.sta",
    LOCAL / "mt940" / "wolph_cmxl_mt940.sta",
    LOCAL / "edge" / "mt940_overlap_b.sta",
]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(SAMPLES),
    st.integers(0, 10_000),  # where to damage the file, in ten-thousandths of its length
    st.sampled_from(["truncate", "flip", "insert"]),
    st.binary(min_size=1, max_size=3),
)
def test_damaged_files_parse_or_fail_with_statement_error(path: Path, where: int, how: str, junk: bytes) -> None:
    data = path.read_bytes()
    cut = len(data) * where // 10_000
    damaged = {
        "truncate": data[:cut],
        "flip": data[:cut] + junk + data[cut + len(junk) :],
        "insert": data[:cut] + junk + data[cut:],
    }[how]
    try:
        parsed = parse_statement(damaged, filename=path.name)
    except StatementError as exc:
        assert exc.message and exc.code == "invalid_statement"
    else:
        assert all(line.checksum for line in parsed.lines)
