"""Statements only from the foundation's own accounts: another account's statement is refused,
with a message naming the account, through every door (command, back office, staff API), and
records nothing; the account shown to donors must be one of them (a system check)."""

from __future__ import annotations

import io

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from solidarity.ledger.models import Transaction
from solidarity.payments.models import BankLine, ImportedStatement
from solidarity.payments.own_accounts import ForeignAccount
from solidarity.payments.reconciliation import import_statement
from solidarity.staff.models import AuditEntry
from tests.api.conftest import staff_token
from tests.payments.camt_builder import camt
from tests.staff.role_clients import verified_client

pytestmark = pytest.mark.django_db
FOREIGN = "NL91ABNA0417164300"
RENT = [{"amount": "450.00", "text": "Rent share December"}]


def nothing_recorded() -> bool:
    return not (
        ImportedStatement.objects.exists()
        or BankLine.objects.exists()
        or Transaction.objects.exists()
        or AuditEntry.objects.filter(action="payments.import_statement").exists()
    )


def test_the_service_refuses_another_accounts_statement_naming_it(staff_user) -> None:
    with pytest.raises(ForeignAccount) as refused:
        import_statement(data=camt(RENT, account=FOREIGN), actor=staff_user, filename="rent.xml")
    assert FOREIGN in str(refused.value)
    assert nothing_recorded()


@pytest.mark.parametrize(
    ("language", "words"), [("ru", "не является счётом фонда"), ("be", "не з'яўляецца рахункам фонду")]
)
def test_the_refusal_is_in_the_staff_members_language(staff_user, language, words) -> None:
    with translation.override(language), pytest.raises(ForeignAccount) as refused:
        import_statement(data=camt(RENT, account=FOREIGN), actor=staff_user)
    assert words in str(refused.value) and FOREIGN in str(refused.value)


def test_a_statement_of_a_listed_account_in_another_spelling_is_imported(staff_user, settings) -> None:
    settings.SOLIDARITY_OWN_ACCOUNTS = [settings.BANK_IBAN, "nl91 abna 0417 1643 00"]
    summary = import_statement(data=camt(RENT, account=FOREIGN), actor=staff_user)
    assert summary.new == 1


def test_the_command_refuses_it_and_records_nothing(tmp_path, capsys) -> None:
    path = tmp_path / "rent.xml"
    path.write_bytes(camt(RENT, account=FOREIGN))
    with pytest.raises(CommandError):
        call_command("import_statement", str(path))
    assert FOREIGN in capsys.readouterr().err
    assert nothing_recorded()


def test_a_csv_through_the_command_is_of_the_account_shown_to_donors_unless_told(tmp_path, staff_user) -> None:
    path = tmp_path / "export.csv"
    path.write_text("Date;Amount;Text\n2026-11-20;12.00;gift\n", encoding="utf-8")
    options = {"csv_date": "Date", "csv_amount": "Amount", "csv_fixed_currency": "EUR", "csv_remittance": "Text"}
    with pytest.raises(CommandError):
        call_command("import_statement", str(path), csv_account=FOREIGN, **options)
    assert nothing_recorded()
    call_command("import_statement", str(path), **options)
    assert ImportedStatement.objects.get().account == "DE89370400440532013000"


def test_the_staff_api_answers_400_naming_the_account(client: Client) -> None:
    finance = staff_token("finance")
    upload = io.BytesIO(camt(RENT, account=FOREIGN))
    upload.name = "rent.xml"
    response = client.post("/api/v1/staff/statements", {"file": upload}, headers=finance.headers)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "not_own_account"
    assert FOREIGN in response.json()["error"]["message"]
    assert nothing_recorded()


def test_the_back_office_upload_shows_the_refusal_and_records_nothing() -> None:
    finance = verified_client("finance")
    upload = io.BytesIO(camt(RENT, account=FOREIGN))
    upload.name = "rent.xml"
    response = finance.post("/staff/payments/importedstatement/upload/", {"file": upload})
    assert response.status_code == 200
    assert FOREIGN in response.content.decode() and "Nothing was imported" in response.content.decode()
    assert nothing_recorded()


def test_the_system_check_wants_the_donor_account_among_the_own_ones(settings) -> None:
    assert not [m for m in run_checks() if m.id == "solidarity.payments.E001"]
    settings.SOLIDARITY_OWN_ACCOUNTS = [FOREIGN]
    errors = [m for m in run_checks() if m.id == "solidarity.payments.E001"]
    assert errors and settings.BANK_IBAN in errors[0].msg
    settings.SOLIDARITY_OWN_ACCOUNTS = []
    assert [m for m in run_checks() if m.id == "solidarity.payments.E001"]
