"""MT940 dialects: envelopes, subfields, keywords, wraps, odd amounts and dates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from solidarity.core.money import Money
from solidarity.payments.statements import ParsedStatement, StatementError, parse_statement
from solidarity.payments.statements.mt940 import parse_mt940
from solidarity.payments.statements.mt940_details import interpret, unwrap

from .statement_files import EDGE, any_file, shared_file


def _mt940(name: str) -> ParsedStatement:
    path = any_file("mt940", name)
    return parse_mt940(path.read_bytes(), filename=name)


def test_asn_bank_envelopes_and_empty_daily_statements() -> None:
    parsed = _mt940("wolph_ASNB_mt940.txt")
    assert (parsed.statements, len(parsed.lines)) == (31, 8)
    assert parsed.account == "NL81ASNB9999999999"
    first = parsed.lines[0]
    assert first.amount == Money(Decimal("-65.00"), "EUR")
    assert (first.payer_name, first.payer_account) == ("hr gjlm paulissen", "NL47INGB9999999999")
    assert first.remittance.endswith("Betaling sieraden")
    # A 65-column line breaks "I" / "CS" inside a word: joined back.
    assert "Betaling aan ICS 99999999999" in parsed.lines[2].remittance


def test_german_subfields_sepa_keywords_reversals_funds_codes() -> None:
    parsed = parse_mt940(shared_file("mt940", "wolph_betterplace_sepa_mt9401.sta").read_bytes())
    assert (parsed.statements, len(parsed.lines)) == (26, 97)
    assert parsed.account == ""  # many accounts in one file
    assert any("different accounts" in warning for warning in parsed.warnings)
    first = parsed.lines[0]
    assert first.amount == Money(Decimal("300.00"), "EUR")  # "CR300,": C + funds code R
    assert first.end_to_end_id == "TFNR 40005 00005"  # EREF+ ends where its 27-char piece does
    assert first.remittance == "MTLG:Grund nicht spezifiziert Reject aus SEPA-Ueberweisungsauftrag"
    reversals = [line for line in parsed.lines if line.is_reversal]
    assert len(reversals) == 2
    assert all(line.amount.amount == Decimal("-204.88") for line in reversals)  # RC: reversed credit
    gutschrift = next(line for line in parsed.lines if line.bank_reference == "0724710290621954")
    assert gutschrift.payer_name == "Richter Renate 70 Zeichen Beginn Fuellzeichen xxxxxxxx"
    assert gutschrift.payer_account == "DE42100100100043921105"
    assert gutschrift.end_to_end_id == "EndToEndIdTFNR2000400001"
    assert gutschrift.remittance.startswith("TO 13 TFNr 20004 Eingangskanal Mint")


def test_cmxl_wrapped_subfield_and_three_banks() -> None:
    parsed = _mt940("wolph_cmxl_mt940.sta")
    assert [line.amount.currency for line in parsed.lines].count("DEM") == 11
    salary = next(line for line in parsed.lines if line.amount == Money(Decimal("3000"), "EUR"))
    assert salary.remittance.startswith("Gehalt Oktober")
    assert salary.payer_name == "MUELLER"
    polish = [line for line in parsed.lines if line.amount.currency == "PLN"]
    assert polish[0].payer_account == "PL08106000760000777777777777"  # ?38, wrapped over two lines
    assert polish[-1].remittance == "Odsetki od lokaty nr 101000022086"
    assert {line.statement_account for line in parsed.lines} == {
        "45050050/76198810",
        "10020030/1234567",
        "BPHKPLPK/320000546101",
    }


def test_amounts_without_decimals_and_bank_reference_after_slashes() -> None:
    parsed = _mt940("wolph_jejik_knab.sta")
    assert [line.amount.amount for line in parsed.lines] == [Decimal("500"), Decimal("-7260"), Decimal("500")]
    assert [line.bank_reference for line in parsed.lines] == [
        "B4E07XM00J000023",
        "B4G29PGCVO7Q06US",
        "B4G29PGDCK1QFV3E",
    ]
    assert (parsed.lines[1].payer_account, parsed.lines[1].payer_name) == ("NL65INGB0123456789", "PICQER")
    abn = _mt940("wolph_jejik_abnamro.sta")
    assert [line.amount.amount for line in abn.lines][:4] == [
        Decimal(-9),
        Decimal("-11.59"),
        Decimal("-11.63"),
        Decimal("-11.8"),
    ]
    assert abn.lines[1].booking_date == date(2011, 5, 23) and abn.lines[1].value_date == date(2011, 5, 21)


def test_entry_date_of_four_spaces_and_informational_zero_entries() -> None:
    parsed = _mt940("wolph_citi_mt940.txt")
    assert (len(parsed.lines), parsed.skipped) == (3, 2)
    assert all(line.booking_date == date(2024, 3, 12) for line in parsed.lines)
    assert sum((line.amount.amount for line in parsed.lines), Decimal(0)) == Decimal("-1142.75")


def test_soh_byte_and_funds_code() -> None:
    parsed = _mt940("wolph_mBank_mt940.sta")
    assert parsed.account == "PL29114010810000267002001002"
    assert all(line.amount == Money(Decimal("0.01"), "PLN") for line in parsed.lines)
    assert "Z RACH.: 56114010810000267002001001; OD: JAN NOWAK UL. NIJAKA" in parsed.lines[0].remittance


def test_crlf_non_swift_field_and_replacement_characters() -> None:
    parsed = _mt940("wolph_sberbank_171011_01234945.sta")
    assert [line.amount.amount for line in parsed.lines] == [
        Decimal("-2402.00"),
        Decimal("-3460.00"),
        Decimal("-3575.00"),
    ]
    assert all(line.amount.currency == "HUF" for line in parsed.lines)
    assert "Tranzakci\ufffds Illet\ufffdk:7.21HUF" in parsed.lines[0].remittance
    assert "ERGO Versicherung AG" in parsed.lines[0].remittance


def test_soft_hyphens_and_tabs() -> None:
    parsed = _mt940("wolph_jejik_ing.sta")
    assert "TRANSACTIENR 0050000534527978 10-06-2010 15:32" in parsed.lines[2].remittance
    assert parsed.lines[1].remittance == "0111111111 GPSEOUL SPOEDBETALING MPBZS1016000047 GPSEOUL"
    assert all("\u00ad" not in line.remittance for line in parsed.lines)
    assert len(parsed.lines) == 7  # the statement-level :86: after :62F: is not an entry


def test_rabobank_structured_details() -> None:
    parsed = _mt940("wolph_jejik_rabobank-iban.sta")
    first = parsed.lines[0]
    assert first.payer_name == "CONTRA ACCOUNT HOLDER"  # wrapped mid-word at column 65
    assert first.payer_account == "NL70ABNA0987654321"  # from the :61: supplementary line
    assert parsed.lines[1].remittance == "Reference 201301234"


def test_ing_keywords_split_across_lines() -> None:
    parsed = parse_mt940(shared_file("mt940", "oca_test-ing.940").read_bytes())
    assert parsed.account == "NL77INGB0574908765"  # currency suffix removed
    lines = parsed.lines
    assert lines[0].payer_account == "NL32INGB0000012345"
    assert lines[0].payer_name == "ING BANK NV INZAKE WEB"
    assert lines[3].end_to_end_id == "EV123REP123412T1234"  # a lone "-" inside :86: is content
    assert lines[5].remittance == "CONTRIBUTIE FEB 2014"  # "/REM" + "I/USTD//CO" + "NTRIBUTIE"
    assert lines[6].structured_reference == "9001123412341234"


def test_rabobank_swi_with_crlf_and_currency_after_account() -> None:
    parsed = parse_mt940(shared_file("mt940", "oca_test-rabo.swi").read_bytes())
    assert parsed.account == "NL34RABO0142623393"
    assert parsed.lines[0].payer_name == "R. SMITH"
    assert parsed.lines[0].remittance == "Test money paid by other partner:"
    assert parsed.lines[1].remittance == "Periode 01-10-2013 t/m 31-12-2013"


def test_triodos_angle_bracket_subfields() -> None:
    parsed = _mt940("wolph_jejik_triodos.sta")
    assert parsed.lines[0].remittance == "ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010"
    assert parsed.lines[1].remittance == "HUUR KANTOOR - FEB 2010"


def test_postfinance_hard_wraps() -> None:
    parsed = _mt940("wolph_jejik_postfinance.sta")
    assert "XXXXXXXXSTRASSE 111" in parsed.lines[2].remittance
    assert parsed.lines[2].remittance.endswith("MITTEILUNGEN: 1 SONNENGLAESER")


def test_truncated_mt940_is_refused() -> None:
    with pytest.raises(StatementError, match=r"no closing balance.*truncated"):
        parse_statement((EDGE / "mt940_truncated.sta").read_bytes(), filename="mt940_truncated.sta")


STATEMENT = ":20:X\n:25:DE89370400440532013000\n:28C:1\n:60F:C240301EUR100,00\n{entry}:62F:C240301EUR{closing}\n"


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (":61:2403010301CABC\n", "is not value date, credit/debit mark and amount"),
        (":61:24030\n", r"entry on line 5: :61: .24030. is not"),
        (":61:2413010301C10,00NTRF\n", "2024-13-01 is not a date"),
        (":61:2403010301C10,005NTRF\n", "more decimal places than EUR allows"),
    ],
)
def test_malformed_entries_give_clear_errors(entry: str, message: str) -> None:
    with pytest.raises(StatementError, match=message):
        parse_statement(STATEMENT.format(entry=entry, closing="110,00").encode(), filename="x.sta")


def test_unknown_currency_and_bad_balance() -> None:
    with pytest.raises(StatementError, match="Unknown currency 'ABC'"):
        parse_statement(STATEMENT.replace("EUR", "ABC").format(entry="", closing="100,00").encode())
    with pytest.raises(StatementError, match="balance :62F:"):
        parse_statement(STATEMENT.format(entry="", closing="1O0,00").encode())
    with pytest.raises(StatementError, match="comes before any :20:"):
        parse_mt940(b":25:DE89370400440532013000\n:20:X\n")


def test_february_30_is_clamped_with_a_warning() -> None:
    parsed = parse_statement(STATEMENT.format(entry=":61:2402300230C10,00NTRF\n", closing="110,00").encode())
    assert parsed.lines[0].value_date == date(2024, 2, 29)
    assert parsed.lines[0].booking_date == date(2024, 2, 29)
    assert any("2024-02-30 does not exist" in warning for warning in parsed.warnings)


def test_entry_date_in_the_next_year() -> None:
    parsed = parse_statement(STATEMENT.format(entry=":61:2312310102C10,00NTRF\n", closing="110,00").encode())
    assert parsed.lines[0].value_date == date(2023, 12, 31)
    assert parsed.lines[0].booking_date == date(2024, 1, 2)


def test_unbalanced_statement_warns() -> None:
    parsed = parse_statement(STATEMENT.format(entry=":61:2403010301D10,00NTRF\n", closing="110,00").encode())
    assert parsed.lines[0].amount.amount == Decimal("-10.00")
    assert any("does not equal the closing balance" in warning for warning in parsed.warnings)


def test_latin1_file_is_read_with_a_warning() -> None:
    data = STATEMENT.format(entry=":61:2403010301C10,00NTRF\n:86:M\xfcller Spende\n", closing="110,00")
    parsed = parse_statement(data.encode("latin-1"))
    assert parsed.lines[0].remittance == "Müller Spende"
    assert any("ISO-8859-1" in warning for warning in parsed.warnings)


def test_unwrap_rules() -> None:
    full = "A" * 64 + "B"
    assert unwrap([full, "C"], subfields=False) == full + "C"
    assert unwrap(["A" * 63 + "B", "C"], subfields=False) == "A" * 63 + "B C"  # lost trailing space
    assert unwrap(["short", "line"], subfields=False) == "short line"
    assert unwrap(["?20Gehalt Oktob", "er"], subfields=True) == "?20Gehalt Oktober"
    assert unwrap(["?21Firma", "Mustermann"], subfields=True) == "?21Firma Mustermann"


def test_interpret_formats() -> None:
    gvc = interpret(["166?00GUTSCHRIFT?20EREF+ABC?21SVWZ+RF18 5390 0754 7034?32Anna?31DE02120300000000202051"], "86")
    assert (gvc.end_to_end_id, gvc.remittance, gvc.payer_name) == ("ABC", "RF18 5390 0754 7034", "Anna")
    keywords = interpret(["/EREF/NOTPROVIDED//REMI/USTD//Spende RF18539007547034/"], "86")
    assert (keywords.end_to_end_id, keywords.remittance) == ("", "Spende RF18539007547034")
    rabo_ref = interpret(["/REMI//CDTRREFTP//CD/SCOR/ISSR/CUR/CDTRREF/RF18539007547034/"], "86")
    assert rabo_ref.structured_reference == "RF18539007547034"
    assert interpret([""], "86").remittance == ""


def test_envelope_on_the_same_line_as_the_first_field() -> None:
    data = (
        "{1:F01BANKDEFFAXXX0000000000}{2:O940BANKDEFFXXXXN}{4::20:X\n"
        + STATEMENT.format(entry="", closing="100,00")[5:]
    )
    assert parse_statement(data.encode()).account == "DE89370400440532013000"


def test_mt942_is_refused() -> None:
    data = ":20:X\n:25:DE89370400440532013000\n:28C:1\n:34F:EURC0,00\n:13D:2403041200+0100\n:61:2403040304C10,00NTRF\n"
    with pytest.raises(StatementError, match="MT942 intraday report"):
        parse_statement(data.encode())
