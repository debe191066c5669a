"""Checksums recognise a booking across overlapping files; RF references are findable."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from solidarity.core.money import Money
from solidarity.donations.references import is_valid_rf, make_rf, rf_check_digits
from solidarity.payments.statements import StatementLine, parse_statement
from solidarity.payments.statements.lines import canonical_text, with_checksums
from solidarity.payments.statements.references import find_rf_references, normalise_structured_reference

from .statement_files import EDGE


def _line(**changes: object) -> StatementLine:
    base = StatementLine(
        booking_date=date(2024, 3, 3),
        value_date=date(2024, 3, 3),
        amount=Money(Decimal("20.00"), "EUR"),
        remittance="Spende",
        structured_reference="",
        end_to_end_id="",
        bank_reference="",
        payer_name="",
        payer_account="",
        is_reversal=False,
        statement_account="DE89370400440532013000",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b"), [("camt053_overlap_a.xml", "camt053_overlap_b.xml"), ("mt940_overlap_a.sta", "mt940_overlap_b.sta")]
)
def test_overlapping_statements_share_checksums(a: str, b: str) -> None:
    first = parse_statement((EDGE / a).read_bytes(), filename=a)
    second = parse_statement((EDGE / b).read_bytes(), filename=b)
    march_3 = date(2024, 3, 3)
    in_a = [line.checksum for line in first.lines if line.booking_date == march_3]
    in_b = [line.checksum for line in second.lines if line.booking_date == march_3]
    assert len(in_a) == 3 and in_a == in_b
    # The two identical 20.00 transfers stay two distinct movements.
    assert len(set(in_a)) == 3
    # Lines outside the overlap are new.
    assert set(line.checksum for line in first.lines) & set(line.checksum for line in second.lines) == set(in_a)


def test_identical_lines_are_numbered_in_file_order() -> None:
    twins = with_checksums([_line(), _line(), _line(remittance="other"), _line()])
    assert len({line.checksum for line in twins}) == 4
    again = with_checksums([_line(), _line()])
    assert [line.checksum for line in again] == [twins[0].checksum, twins[1].checksum]


@pytest.mark.parametrize(
    "change",
    [
        {"statement_account": "DE02120300000000202051"},
        {"booking_date": date(2024, 3, 4)},
        {"amount": Money(Decimal("20.01"), "EUR")},
        {"amount": Money(Decimal("-20.00"), "EUR")},
        {"amount": Money(Decimal("20.00"), "CHF")},
        {"bank_reference": "B1"},
        {"end_to_end_id": "E1"},
        {"structured_reference": "RF18539007547034"},
        {"remittance": "Spende!"},
        {"payer_account": "DE02120300000000202051"},
    ],
)
def test_each_canonical_field_changes_the_checksum(change: dict[str, object]) -> None:
    (plain,) = with_checksums([_line()])
    (changed,) = with_checksums([_line(**change)])
    assert plain.checksum != changed.checksum


def test_fields_outside_the_recipe_do_not_change_it() -> None:
    (plain,) = with_checksums([_line()])
    (other,) = with_checksums([_line(payer_name="Anna", value_date=None, is_reversal=True)])
    assert plain.checksum == other.checksum
    assert "\x1f" in canonical_text(plain)


def test_rf_helpers() -> None:
    assert rf_check_digits("539007547034") == "18"
    assert make_rf("539007547034") == "RF18539007547034"
    assert is_valid_rf("rf18 5390 0754 7034")
    assert not is_valid_rf("RF19539007547034")
    assert not is_valid_rf("RF18")
    assert normalise_structured_reference("rf18 5390 0754 7034") == "RF18539007547034"
    assert normalise_structured_reference(" 0000 0027 0148 ") == "000000270148"
    with pytest.raises(ValueError):
        rf_check_digits("not a body!")


def test_references_in_the_edge_file() -> None:
    lines = parse_statement((EDGE / "camt053_rf_variants.xml").read_bytes()).lines
    found = [find_rf_references(line.remittance) for line in lines]
    assert found[0] == ["RF18539007547034"]  # groups of four over two Ustrd lines
    assert lines[0].remittance == "Spende fuer Familie K. RF18 5390 0754 7034 danke"
    assert found[1] == ["RF97SHELP7Q2"]  # line break inside Ustrd
    assert lines[1].remittance == "Soli RF97 SHEL P7Q2 fuer die Gefangenen"
    assert lines[1].payer_name == "Ben Muster"
    assert found[2] == ["RF18SB7KM3D"]  # lower case
    assert found[3] == []  # without "RF" only on request
    assert find_rf_references(lines[3].remittance, accept_missing_prefix=True) == ["RF12SF1RST"]
    assert found[4] == ["RF36S9ABCDE"]  # buried between punctuation
    # One transfer, two structured references: the first is the line's, both are findable.
    assert lines[5].structured_reference == "RF45SECND2"
    assert find_rf_references(f"{lines[5].structured_reference} {lines[5].remittance}") == ["RF45SECND2", "RF12SF1RST"]
    assert found[6] == ["RF18539007547034", "RF27SAK12X"]  # two references typed in one text
    assert lines[7].structured_reference == "RF18539007547034"  # "rf18 5390 0754 7034" in Strd
    assert all(line.end_to_end_id != "NOTPROVIDED" for line in lines)


def test_no_false_reference_in_ordinary_text() -> None:
    assert find_rf_references("Spende fuer Familie K. vom 04.03.2024, Konto 0532013000") == []
