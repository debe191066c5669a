"""Bank payer details are sealed under a per-line data key; erasing destroys the key."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from solidarity.core.crypto import fernet
from solidarity.core.models import DataKey
from solidarity.core.money import Money
from solidarity.core.shredding import Shredded, open_text
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import Donation, DonationStatus
from solidarity.ledger.models import Transaction
from solidarity.payments import reconciliation
from solidarity.payments.models import BankLine, ImportedStatement
from tests.payments.camt_builder import camt

pytestmark = pytest.mark.django_db


def pending(campaign, amount: str = "25") -> Donation:
    money = Money(Decimal(amount), "EUR")
    return create_donation_intent(campaign=campaign, amount=money, channel="bank_transfer").donation


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608  (a fixed table name)
        return str(cursor.fetchall())


def test_a_waiting_line_keeps_its_payer_only_as_ciphertext(staff_user) -> None:
    reconciliation.import_statement(
        data=camt([{"amount": "12.00", "text": "for Alesia, from Minsk", "payer": "Ivan Donorov"}]), actor=staff_user
    )
    line = BankLine.objects.get()
    assert (line.payer_name, line.remittance) == ("Ivan Donorov", "for Alesia, from Minsk")
    assert line.data_key_id is not None
    stored = raw_rows("payments_bankline") + raw_rows("core_datakey")
    assert "Donorov" not in stored and "Alesia" not in stored


def test_matching_destroys_the_data_key_and_the_ciphertext_stays_unreadable(campaign, staff_user) -> None:
    one, _two = pending(campaign, "20"), pending(campaign, "20")  # two candidates: no match by amount
    reconciliation.import_statement(
        data=camt([{"amount": "20.00", "text": "for the family", "payer": "Ivan Donorov"}]), actor=staff_user
    )
    line = BankLine.objects.get()
    key_id, token = line.data_key_id, line.payer_sealed
    reconciliation.match_line_to_donation(line=line, reference=one.bank_reference, actor=staff_user)
    line.refresh_from_db()
    assert line.state == "matched" and (line.payer_name, line.payer_account, line.remittance) == ("", "", "")
    assert not DataKey.objects.filter(pk=key_id).exists()
    with pytest.raises(Shredded):
        open_text(None, token)
    # What survives in an old row version is a Fernet token under a key that no longer exists:
    # the field keys alone do not open it.
    with pytest.raises(InvalidToken):
        fernet().decrypt(token.encode())


def test_dismissing_a_line_destroys_its_data_key(staff_user) -> None:
    reconciliation.import_statement(
        data=camt([{"amount": "300.00", "text": "grant", "payer": "A Fund"}]), actor=staff_user
    )
    line = BankLine.objects.get()
    key_id = line.data_key_id
    reconciliation.ignore_line(line=line, actor=staff_user, note="a grant")
    line.refresh_from_db()
    assert line.state == "ignored" and line.data_key_id is None and line.payer_name == ""
    assert not DataKey.objects.filter(pk=key_id).exists()


def test_lines_waiting_past_the_retention_time_lose_their_payer(settings, staff_user) -> None:
    settings.SOLIDARITY_BANK_LINE_RETENTION_DAYS = 60
    reconciliation.import_statement(
        data=camt([{"amount": "9.00", "text": "old", "payer": "Old Payer"}], msg="A"), actor=staff_user
    )
    ImportedStatement.objects.update(imported_at=timezone.now() - dt.timedelta(days=61))
    reconciliation.import_statement(
        data=camt([{"amount": "8.00", "text": "new", "payer": "New Payer"}], msg="B"), actor=staff_user
    )
    out = io.StringIO()
    call_command("purge_bank_lines", stdout=out)
    assert "1 statement line" in out.getvalue()
    old, new = BankLine.objects.order_by("amount_minor")[1], BankLine.objects.order_by("amount_minor")[0]
    assert old.payer_name == "" and old.data_key_id is None and old.state == "unmatched"
    assert "retention" in old.note
    assert new.payer_name == "New Payer"
    assert DataKey.objects.count() == 1
    call_command("purge_bank_lines", stdout=out)  # nothing left to do
    assert BankLine.objects.filter(data_key__isnull=False).count() == 1


def test_a_statement_killed_halfway_leaves_nothing_behind(campaign, staff_user) -> None:
    donations = [pending(campaign, str(10 + i)) for i in range(8)]
    entries = [
        {"amount": f"{10 + i}.00", "text": d.bank_reference, "payer": f"Payer {i}"} for i, d in enumerate(donations)
    ]

    def killed_at_the_fifth_line(done: int, total: int) -> None:
        if done == 5:
            raise KeyboardInterrupt  # the process is stopped mid-file

    with pytest.raises(KeyboardInterrupt):
        reconciliation.import_statement(data=camt(entries), actor=staff_user, progress=killed_at_the_fifth_line)
    assert not ImportedStatement.objects.exists()
    assert not BankLine.objects.exists() and not DataKey.objects.exists()
    assert not Transaction.objects.exists()
    assert not Donation.objects.filter(status=DonationStatus.PAID).exists()
    summary = reconciliation.import_statement(data=camt(entries), actor=staff_user)  # the retry imports it all
    assert (summary.new, summary.matched) == (8, 8)
