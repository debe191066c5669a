"""On PostgreSQL the database itself refuses edits, deletes and unbalanced transactions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from solidarity.campaigns.funds import campaign_fund, campaign_owner
from solidarity.core.money import Money
from solidarity.ledger.models import AccountPurpose, TransactionKind
from solidarity.ledger.services import get_account, post_transaction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_postgres")]


def _posted(campaign):
    cash = get_account(purpose=AccountPurpose.CASH, currency="EUR")
    amount = Money(Decimal("10"), "EUR")
    return post_transaction(
        kind=TransactionKind.DONATION,
        owner=campaign_owner(campaign),
        lines=[(cash, amount), (campaign_fund(campaign), -amount)],
    )


def test_sql_update_of_a_posting_is_refused(campaign) -> None:
    txn = _posted(campaign)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("UPDATE ledger_posting SET amount_minor = 1 WHERE transaction_id = %s", [txn.pk])


def test_sql_delete_of_a_transaction_is_refused(campaign) -> None:
    txn = _posted(campaign)
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM ledger_posting WHERE transaction_id = %s", [txn.pk])


def test_sql_insert_of_an_unbalanced_transaction_is_refused_at_commit(campaign) -> None:
    fund = campaign_fund(campaign)
    with pytest.raises(IntegrityError, match="does not balance"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_transaction (kind, memo, occurred_on, created_at) "
            "VALUES ('donation', '', CURRENT_DATE, now()) RETURNING id"
        )
        txn_id = cur.fetchone()[0]
        cur.execute(
            "INSERT INTO ledger_posting (transaction_id, account_id, amount_minor, currency) VALUES (%s, %s, -500, 'EUR'), (%s, %s, 400, 'EUR')",
            [txn_id, fund.pk, txn_id, fund.pk],
        )
        # The check is deferred to commit; inside the test's transaction we ask for it now.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_sql_insert_of_a_transaction_without_postings_is_refused(campaign) -> None:
    with pytest.raises(IntegrityError, match="at least two"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO ledger_transaction (kind, memo, occurred_on, created_at) VALUES ('donation', '', CURRENT_DATE, now())"
        )
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_posting_that_leaves_a_campaign_fund_below_zero_is_refused_at_commit(campaign) -> None:
    _posted(campaign)  # the fund holds 10.00
    fund = campaign_fund(campaign)
    bank = get_account(purpose=AccountPurpose.BANK, currency="EUR")
    with pytest.raises(IntegrityError, match="below zero"), transaction.atomic():
        post_transaction(
            kind=TransactionKind.DISBURSEMENT,
            owner=campaign_owner(campaign),
            lines=[(fund, Money(Decimal("10.01"), "EUR")), (bank, Money(Decimal("-10.01"), "EUR"))],
        )
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_spending_a_fund_down_to_exactly_zero_is_allowed(campaign) -> None:
    _posted(campaign)
    fund = campaign_fund(campaign)
    bank = get_account(purpose=AccountPurpose.BANK, currency="EUR")
    with transaction.atomic():
        post_transaction(
            kind=TransactionKind.DISBURSEMENT,
            owner=campaign_owner(campaign),
            lines=[(fund, Money(Decimal("10"), "EUR")), (bank, Money(Decimal("-10"), "EUR"))],
        )
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_foundations_own_accounts_may_go_into_debit(campaign) -> None:
    reserve = get_account(purpose=AccountPurpose.RESERVE, currency="EUR")
    bank = get_account(purpose=AccountPurpose.BANK, currency="EUR")
    with transaction.atomic():
        post_transaction(
            kind=TransactionKind.ADJUSTMENT,
            lines=[(reserve, Money(Decimal("5"), "EUR")), (bank, Money(Decimal("-5"), "EUR"))],
        )
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
