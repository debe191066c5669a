from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Posting
from tests.tampering import switch_guards_off

pytestmark = pytest.mark.django_db


def test_verify_ledger_passes_on_a_consistent_ledger(campaign, staff_user, capsys) -> None:
    record_staff_donation(campaign=campaign, amount=Money(Decimal(10), "EUR"), channel="cash", actor=staff_user)
    call_command("verify_ledger")
    assert "ledger OK: 1 transactions, 2 postings" in capsys.readouterr().out


def test_verify_ledger_names_a_tampered_transaction(campaign, staff_user, capsys) -> None:
    recorded = record_staff_donation(
        campaign=campaign, amount=Money(Decimal(10), "EUR"), channel="cash", actor=staff_user
    )
    txn_id = recorded.donation.ledger_transaction_id
    posting = Posting.objects.filter(transaction_id=txn_id).first()
    assert posting is not None
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_posting")  # what an attacker with database access does first
        cur.execute("UPDATE ledger_posting SET amount_minor = 99999 WHERE id = %s", [posting.pk])
    with pytest.raises(CommandError, match="verification failed"):
        call_command("verify_ledger")
    assert f"transaction #{txn_id}: does not balance in EUR" in capsys.readouterr().err


def _rewrite(sql: str, params: list) -> None:
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_transaction")
        cur.execute(sql, params)


def test_verify_ledger_names_a_donation_moved_to_another_campaigns_books(campaign, staff_user, capsys) -> None:
    recorded = record_staff_donation(
        campaign=campaign, amount=Money(Decimal(10), "EUR"), channel="cash", actor=staff_user
    )
    txn_id = recorded.donation.ledger_transaction_id
    _rewrite("UPDATE ledger_transaction SET owner = %s WHERE id = %s", ["campaign:999", txn_id])
    with pytest.raises(CommandError, match="verification failed"):
        call_command("verify_ledger")
    err = capsys.readouterr().err
    assert f"transaction #{txn_id}: posting" in err and f"'campaign:{campaign.pk}'" in err
    assert f"transaction #{txn_id}: books donation #{recorded.donation.pk} to another campaign" in err


def test_verify_ledger_names_a_campaign_fund_below_zero(campaign, staff_user, capsys) -> None:
    from solidarity.campaigns.funds import campaign_fund, campaign_owner
    from solidarity.ledger.models import AccountPurpose, TransactionKind
    from solidarity.ledger.services import get_account, post_transaction

    record_staff_donation(campaign=campaign, amount=Money(Decimal(10), "EUR"), channel="cash", actor=staff_user)
    fund = campaign_fund(campaign)
    bank = get_account(purpose=AccountPurpose.BANK, currency="EUR")
    if connection.vendor == "postgresql":
        # An attacker with database access would first switch the guard off.
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("ALTER TABLE ledger_posting DISABLE TRIGGER ledger_posting_fund_never_in_debit")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
    post_transaction(
        kind=TransactionKind.DISBURSEMENT,
        owner=campaign_owner(campaign),
        lines=[(fund, Money(Decimal(12), "EUR")), (bank, Money(Decimal(-12), "EUR"))],
    )
    with pytest.raises(CommandError, match="verification failed"):
        call_command("verify_ledger")
    err = capsys.readouterr().err
    assert (
        f"account #{fund.pk} (campaign_fund of 'campaign:{campaign.pk}'): below zero by 200 minor units of EUR" in err
    )
