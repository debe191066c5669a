"""Every real-world sample parses, and every entry in it is accounted for.

Runs over the local copies always and over the whole shared set when it is present.
Counts are checked against numbers taken from the file independently of the parser.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from lxml import etree

from solidarity.payments.statements import ParsedStatement, parse_statement

from .statement_files import CAMT053, MT940, RECONCILING, fixture_params

# A reference (structured, end-to-end or bank) that each file is known to carry.
KNOWN_REFERENCES = {
    "genkgo_camt053.v2.multi.statement.xml": ("end_to_end_id", "000000001"),
    "genkgo_camt053.v3.xml": ("structured_reference", "4654654654654654"),
    "genkgo_camt053.v8.xml": ("structured_reference", "4654654654654654"),
    "oca_test-camt053-txdtls.xml": ("structured_reference", "302388292000022222222222222"),
    "oca_test-camt053.xml": ("end_to_end_id", "435005714488-ABNO33052620"),
    "viafintech_valid_example.xml": ("end_to_end_id", "EndToEndReference"),
    "viafintech_valid_example_v4.xml": ("structured_reference", "000000000002016030002820804"),
    "viafintech_valid_example_v8.xml": ("structured_reference", "RF38000000000000000000552"),
    "viafintech_valid_example_with_batch.xml": ("end_to_end_id", "GBSXX21170607391766562"),
    "viafintech_valid_example_with_datetime.xml": ("bank_reference", "Test Buchung"),
    "oca_test-ing.940": ("structured_reference", "9001123412341234"),
    "wolph_betterplace_sepa_mt9401.sta": ("end_to_end_id", "TFNR 40005 00005"),
    "wolph_citi_mt940.txt": ("remittance", "/PT/FT/PY/SOMETHING FOO BAR 112233 123456789"),
    "wolph_jejik_knab.sta": ("bank_reference", "B4E07XM00J000023"),
    "wolph_jejik_rabobank-iban.sta": ("end_to_end_id", "01-01-2013 12:00 0030000987654321"),
    "wolph_mBank_mt940.sta": ("bank_reference", "MB170119012058"),
    "wolph_jejik_postfinance.sta": ("remittance", "EINZAHLUNGSSCHEIN"),
}


def _parse(path: Path) -> ParsedStatement:
    return parse_statement(path.read_bytes(), filename=path.name)


def _camt_entry_totals(path: Path) -> tuple[int, dict[str, Decimal]]:
    """Number of <Ntry> and their signed sum per currency, read without the parser."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    totals: defaultdict[str, Decimal] = defaultdict(Decimal)
    entries = root.findall(".//{*}Ntry")
    for ntry in entries:
        amount = ntry.find("{*}Amt")
        sign = 1 if ntry.findtext("{*}CdtDbtInd") == "CRDT" else -1
        totals[amount.get("Ccy")] += sign * Decimal(amount.text)
    return len(entries), totals


def _assert_common(parsed: ParsedStatement, name: str) -> None:
    checksums = [line.checksum for line in parsed.lines]
    assert len(set(checksums)) == len(checksums), "checksums must be unique within a file"
    assert all(re.fullmatch(r"[0-9a-f]{64}", c) for c in checksums)
    for line in parsed.lines:
        assert line.amount.amount != 0
        assert line.statement_account
        for text in (line.remittance, line.payer_name, line.end_to_end_id, line.bank_reference):
            assert text == text.strip() and "  " not in text
            assert not any(ord(ch) < 32 for ch in text)
        assert line.end_to_end_id.upper() not in {"NOTPROVIDED", "NONREF"}
    balance_warnings = [w for w in parsed.warnings if "closing balance" in w]
    if name in RECONCILING:
        assert balance_warnings == []
    if name in KNOWN_REFERENCES:
        field, value = KNOWN_REFERENCES[name]
        assert value in [getattr(line, field) for line in parsed.lines]


@pytest.mark.parametrize("path", fixture_params("camt053"))
def test_camt053_fixture(path: Path) -> None:
    expected = CAMT053[path.name]
    parsed = _parse(path)
    entries, totals = _camt_entry_totals(path)

    assert parsed.format == "camt053"
    assert parsed.statements == expected.statements
    assert entries == expected.entries
    assert (len(parsed.lines), parsed.skipped) == (expected.lines, expected.skipped)
    # Split batch lines add up to their entries, so the signed sums agree exactly.
    line_totals: defaultdict[str, Decimal] = defaultdict(Decimal)
    for line in parsed.lines:
        line_totals[line.amount.currency] += line.amount.amount
    assert dict(line_totals) == dict(totals)
    _assert_common(parsed, path.name)


@pytest.mark.parametrize("path", fixture_params("mt940"))
def test_mt940_fixture(path: Path) -> None:
    expected = MT940[path.name]
    raw = path.read_bytes()
    parsed = _parse(path)

    assert parsed.format == "mt940"
    assert parsed.statements == expected.statements
    assert len(re.findall(rb"^:61:", raw, re.MULTILINE)) == expected.entries
    assert len(parsed.lines) + parsed.skipped == expected.entries
    assert (len(parsed.lines), parsed.skipped) == (expected.lines, expected.skipped)
    marks = re.findall(rb"^:61:\d{6}(?:\d{4}|\s{4})?(RC|RD|C|D)", raw, re.MULTILINE)
    credits = sum(1 for m in marks if m in (b"C", b"RD"))
    assert sum(1 for line in parsed.lines if line.amount.is_positive()) == credits - expected.skipped
    _assert_common(parsed, path.name)


@pytest.mark.parametrize("path", fixture_params("camt053") + fixture_params("mt940"))
def test_parsing_twice_gives_identical_lines(path: Path) -> None:
    first, second = _parse(path), _parse(path)
    assert first == second
    assert [line.checksum for line in first.lines] == [line.checksum for line in second.lines]


@pytest.mark.parametrize("path", fixture_params("camt053") + fixture_params("mt940"))
def test_file_name_does_not_change_checksums(path: Path) -> None:
    data = path.read_bytes()
    named = parse_statement(data, filename=path.name)
    renamed = parse_statement(data, filename="download (3).bin")
    assert [line.checksum for line in named.lines] == [line.checksum for line in renamed.lines]
