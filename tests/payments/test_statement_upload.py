"""The back office's statement import: a preview before booking, camt.052/054 and UTF-16
beside camt.053, CSV through a bank's saved column mapping (with lines before the header),
and clear errors in the staff member's language that change nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client

from solidarity.payments.models import BankLine, CsvFormat, ImportedStatement
from solidarity.staff.models import AuditEntry
from tests.payments.camt_builder import camt
from tests.staff.role_clients import verified_client

from .statement_files import EDGE, LOCAL

pytestmark = pytest.mark.django_db
UPLOAD = "/staff/payments/importedstatement/upload/"
GERMAN_BANK = {
    "name": "Sparkasse CSV",
    "account": "DE89370400440532013000",
    "skip_lines": "5",
    "encoding": "utf-8",
    "delimiter": "",
    "date_column": "Buchungstag",
    "date_format": "%d.%m.%Y",
    "debit_column": "Soll",
    "credit_column": "Haben",
    "decimal_comma": "on",
    "fixed_currency": "EUR",
    "remittance_columns": "Verwendungszweck",
    "payer_name_column": "Auftraggeber/Empfänger",
    "payer_account_column": "IBAN",
    "value_date_column": "Valuta",
}


@pytest.fixture
def finance() -> Client:
    return verified_client("finance")


def upload(client: Client, data: bytes, name: str, language: str = "en", **fields: str):
    file = io.BytesIO(data)
    file.name = name
    return client.post(UPLOAD, {"file": file, **fields}, HTTP_ACCEPT_LANGUAGE=language)


def token_of(response) -> str:
    assert response.status_code == 200, response.content.decode()[:500]
    return response.context["token"]


def test_a_preview_stores_nothing_and_booking_it_imports_once(finance) -> None:
    data = camt([{"amount": "40.00", "text": "gift", "payer": "Anna K"}, {"amount": "7.50", "direction": "DBIT"}])
    preview = upload(finance, data, "november.xml")
    html = preview.content.decode()
    assert "Anna K" in html and "1 incoming, 1 outgoing; 2 new" in html
    assert not ImportedStatement.objects.exists() and not BankLine.objects.exists()
    token = token_of(preview)
    booked = finance.post(UPLOAD, {"token": token})
    assert 'id="import-summary"' in booked.content.decode()
    assert BankLine.objects.count() == 2
    again = finance.post(UPLOAD, {"token": token})
    assert "booked already or has expired" in again.content.decode()
    assert ImportedStatement.objects.count() == 1
    preview_again = upload(finance, data, "november.xml")
    assert "0 new, 2 imported before" in preview_again.content.decode()


def test_errors_come_in_the_staff_members_language_and_change_nothing(finance) -> None:
    foreign = upload(finance, camt([{"amount": "450.00"}], account="NL91ABNA0417164300"), "rent.xml", "ru")
    assert "NL91ABNA0417164300" in foreign.content.decode()
    assert "не является счётом фонда" in foreign.content.decode()
    wrong = upload(finance, b"%PDF-1.4 not a statement", "scan.pdf", "be")
    assert wrong.status_code == 200 and "scan.pdf ні выпіска camt.053" in wrong.content.decode()
    expired = finance.post(UPLOAD, {"token": "not-a-token"}, HTTP_ACCEPT_LANGUAGE="be")
    assert "Гэты папярэдні прагляд ужо праведзены або састарэў" in expired.content.decode()
    assert (
        not ImportedStatement.objects.exists()
        and not AuditEntry.objects.filter(action__startswith="payments.").exists()
    )


def test_camt054_and_utf16_files_are_accepted_beside_camt053(finance, settings) -> None:
    settings.SOLIDARITY_OWN_ACCOUNTS = [settings.BANK_IBAN, "CH2801234000123456789"]
    real = (LOCAL / "camt054" / "genkgo_camt054.v2.xml").read_bytes()
    assert "camt054" in upload(finance, real, "notification.xml").content.decode()
    text = camt([{"amount": "12.00", "text": "Спасибо"}]).decode().replace('encoding="UTF-8"', 'encoding="UTF-16"')
    token = token_of(upload(finance, text.encode("utf-16"), "utf16.xml"))
    finance.post(UPLOAD, {"token": token})
    assert BankLine.objects.get().remittance == "Спасибо"


def test_a_banks_csv_mapping_is_saved_once_and_reused(finance, tmp_path, capsys) -> None:
    saved = finance.post("/staff/payments/csvformat/add/", GERMAN_BANK)
    assert saved.status_code == 302, saved.content.decode()[:1000]
    mapping = CsvFormat.objects.get()
    assert AuditEntry.objects.filter(action="payments.save_csv_format").count() == 1
    data = (EDGE / "csv_lines_before_header.csv").read_bytes()
    preview = upload(finance, data, "umsatz.csv", csv_format=str(mapping.pk))
    assert "Anna Kowalska" in preview.content.decode() and "1 incoming, 1 outgoing" in preview.content.decode()
    finance.post(UPLOAD, {"token": token_of(preview)})
    assert ImportedStatement.objects.get().account == "DE89370400440532013000"
    # The same saved mapping from the command line, for the next month's export.
    path = tmp_path / "december.csv"
    path.write_bytes(data.replace(b"20.11.2026", b"20.12.2026"))
    call_command("import_statement", str(path), csv_format="Sparkasse CSV")
    assert "2 lines" in capsys.readouterr().out and ImportedStatement.objects.count() == 2


def test_a_csv_without_its_mapping_or_with_the_wrong_one_is_refused(finance) -> None:
    data = (EDGE / "csv_lines_before_header.csv").read_bytes()
    assert "column mapping" in upload(finance, data, "umsatz.csv").content.decode()
    wrong = finance.post("/staff/payments/csvformat/add/", {**GERMAN_BANK, "skip_lines": "0", "name": "No skip"})
    assert wrong.status_code == 302
    refused = upload(finance, data, "umsatz.csv", csv_format=str(CsvFormat.objects.get(name="No skip").pk))
    assert "lines before the header" in refused.content.decode()
    assert not ImportedStatement.objects.exists()


def test_a_mapping_for_another_account_or_without_an_amount_is_not_saved(finance) -> None:
    other = finance.post("/staff/payments/csvformat/add/", {**GERMAN_BANK, "account": "NL91ABNA0417164300"})
    no_amount = finance.post("/staff/payments/csvformat/add/", {**GERMAN_BANK, "debit_column": "", "credit_column": ""})
    assert other.status_code == no_amount.status_code == 200
    assert "amount column" in no_amount.content.decode()
    assert not CsvFormat.objects.exists()
