from __future__ import annotations

from decimal import Decimal

import pytest

from solidarity.campaigns.funds import campaign_fund, campaign_owner
from solidarity.core.errors import DomainError, ImmutableRecord, UnbalancedTransaction
from solidarity.core.money import Money
from solidarity.ledger.models import AccountPurpose, Posting, Transaction, TransactionKind
from solidarity.ledger.selectors import account_balance
from solidarity.ledger.services import get_account, post_transaction, reverse_transaction

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def test_balanced_transaction_is_posted(campaign) -> None:
    cash = get_account(purpose=AccountPurpose.CASH, currency="EUR")
    fund = campaign_fund(campaign)
    txn = post_transaction(
        kind=TransactionKind.DONATION, owner=campaign_owner(campaign), lines=[(cash, eur("10")), (fund, -eur("10"))]
    )
    assert txn.postings.count() == 2
    assert account_balance(fund) == -eur("10")


def test_unbalanced_transaction_is_refused_and_nothing_is_written(campaign) -> None:
    cash = get_account(purpose=AccountPurpose.CASH, currency="EUR")
    fund = campaign_fund(campaign)
    with pytest.raises(UnbalancedTransaction, match=r"off by 1\.00 EUR"):
        post_transaction(
            kind=TransactionKind.DONATION, owner=campaign_owner(campaign), lines=[(cash, eur("11")), (fund, -eur("10"))]
        )
    assert Transaction.objects.count() == 0
    assert Posting.objects.count() == 0


def test_transaction_must_balance_in_every_currency(campaign) -> None:
    eur_cash = get_account(purpose=AccountPurpose.CASH, currency="EUR")
    usd_cash = get_account(purpose=AccountPurpose.CASH, currency="USD")
    with pytest.raises(UnbalancedTransaction):
        post_transaction(
            kind=TransactionKind.FX,
            lines=[(eur_cash, eur("10")), (usd_cash, Money(Decimal("-10"), "USD"))],
        )


def test_posting_in_another_currency_than_its_account_is_refused(campaign) -> None:
    fund = campaign_fund(campaign)
    usd_cash = get_account(purpose=AccountPurpose.CASH, currency="USD")
    with pytest.raises(UnbalancedTransaction, match="kept in EUR"):
        post_transaction(
            kind=TransactionKind.DONATION,
            lines=[(usd_cash, Money(Decimal(5), "USD")), (fund, Money(Decimal(-5), "USD"))],
        )


def test_single_posting_and_zero_postings_are_refused(campaign) -> None:
    cash = get_account(purpose=AccountPurpose.CASH, currency="EUR")
    with pytest.raises(UnbalancedTransaction):
        post_transaction(kind=TransactionKind.ADJUSTMENT, lines=[(cash, eur("0"))])
    fund = campaign_fund(campaign)
    with pytest.raises(UnbalancedTransaction, match="cannot be zero"):
        post_transaction(kind=TransactionKind.ADJUSTMENT, lines=[(cash, eur("0")), (fund, eur("0"))])


def test_posted_rows_cannot_be_edited_or_deleted_through_the_orm(campaign) -> None:
    cash = get_account(purpose=AccountPurpose.CASH, currency="EUR")
    txn = post_transaction(
        kind=TransactionKind.DONATION,
        owner=campaign_owner(campaign),
        lines=[(cash, eur("5")), (campaign_fund(campaign), -eur("5"))],
    )
    posting = txn.postings.first()
    assert posting is not None
    posting.amount_minor = 1
    with pytest.raises(ImmutableRecord):
        posting.save()
    with pytest.raises(ImmutableRecord):
        posting.delete()
    with pytest.raises(ImmutableRecord):
        Posting.objects.filter(pk=posting.pk).update(amount_minor=1)
    with pytest.raises(ImmutableRecord):
        Transaction.objects.all().delete()
    assert Posting.objects.get(pk=posting.pk).amount_minor == 500


def test_reversal_mirrors_the_original_and_happens_once(campaign) -> None:
    cash = get_account(purpose=AccountPurpose.CASH, currency="EUR")
    fund = campaign_fund(campaign)
    txn = post_transaction(
        kind=TransactionKind.DONATION, owner=campaign_owner(campaign), lines=[(cash, eur("7")), (fund, -eur("7"))]
    )
    reversal = reverse_transaction(original=txn)
    assert reversal.reverses == txn
    assert account_balance(fund) == eur("0")
    with pytest.raises(DomainError, match="already been reversed"):
        reverse_transaction(original=txn)
    with pytest.raises(DomainError, match="cannot itself be reversed"):
        reverse_transaction(original=reversal)


def test_accounts_are_created_once_per_purpose_currency_and_campaign(campaign) -> None:
    assert campaign_fund(campaign) == campaign_fund(campaign)
    assert get_account(purpose=AccountPurpose.BANK, currency="eur") == get_account(
        purpose=AccountPurpose.BANK, currency="EUR"
    )


def test_posting_twice_under_one_key_returns_the_first_transaction_and_writes_nothing() -> None:
    cash = get_account(purpose=AccountPurpose.CASH, currency="EUR")
    fund = get_account(purpose=AccountPurpose.CAMPAIGN_FUND, currency="EUR", owner="campaign:7")
    lines = [(cash, eur("10")), (fund, -eur("10"))]
    first = post_transaction(kind=TransactionKind.DONATION, owner="campaign:7", lines=lines, idempotency_key="k")
    again = post_transaction(kind=TransactionKind.DONATION, owner="campaign:7", lines=lines, idempotency_key="k")
    assert again == first
    assert Transaction.objects.count() == 1 and Posting.objects.count() == 2


def test_accounts_are_found_by_owner_purpose_and_currency() -> None:
    first = get_account(purpose=AccountPurpose.CAMPAIGN_FUND, currency="EUR", owner="campaign:1")
    assert get_account(purpose=AccountPurpose.CAMPAIGN_FUND, currency="EUR", owner="campaign:1") == first
    assert get_account(purpose=AccountPurpose.CAMPAIGN_FUND, currency="EUR", owner="campaign:2") != first
    assert get_account(purpose=AccountPurpose.CAMPAIGN_FUND, currency="USD", owner="campaign:1") != first
    with pytest.raises(DomainError, match="purpose"):
        get_account(purpose="savings", currency="EUR")


def test_an_owned_account_moves_only_in_its_owners_transactions() -> None:
    cash = get_account(purpose=AccountPurpose.CASH, currency="EUR")
    other = get_account(purpose=AccountPurpose.CAMPAIGN_FUND, currency="EUR", owner="campaign:2")
    with pytest.raises(DomainError, match="belongs to 'campaign:2'"):
        post_transaction(
            kind=TransactionKind.DONATION, owner="campaign:1", lines=[(cash, eur("1")), (other, -eur("1"))]
        )
    assert Transaction.objects.count() == 0
