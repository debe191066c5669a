"""Writes to the ledger. Every money movement goes through `post_transaction`."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from solidarity.core.errors import DomainError, UnbalancedTransaction
from solidarity.core.money import Money
from solidarity.ledger.models import Account, AccountKind, AccountPurpose, Posting, Transaction, TransactionKind
from solidarity.ledger.tasks import seal_after_commit

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from solidarity.campaigns.models import Campaign

ACCOUNT_KINDS: dict[str, str] = {
    AccountPurpose.CAMPAIGN_FUND: AccountKind.LIABILITY,
    AccountPurpose.CASH: AccountKind.ASSET,
    AccountPurpose.BANK: AccountKind.ASSET,
    AccountPurpose.CARD_PROCESSOR: AccountKind.ASSET,
    AccountPurpose.OTHER_PLATFORM: AccountKind.ASSET,
    AccountPurpose.FEES: AccountKind.EXPENSE,
    AccountPurpose.DISPUTED: AccountKind.LIABILITY,
    AccountPurpose.FX: AccountKind.EQUITY,
    AccountPurpose.DISBURSED: AccountKind.EXPENSE,
}


def get_account(*, purpose: str, currency: str, campaign: Campaign | None = None) -> Account:
    """Return the account for (purpose, currency, campaign), creating it on first use."""
    currency = Money.zero(currency).currency
    lookup = {"purpose": purpose, "currency": currency, "campaign": campaign}
    account = Account.objects.filter(**lookup).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=ACCOUNT_KINDS[purpose], **lookup)
    except IntegrityError:
        # Another request created it between our read and our insert.
        return Account.objects.get(**lookup)


def campaign_fund(campaign: Campaign) -> Account:
    """The liability account holding a campaign's money, in the campaign's currency."""
    return get_account(purpose=AccountPurpose.CAMPAIGN_FUND, currency=campaign.currency, campaign=campaign)


def check_balanced(lines: Sequence[tuple[Account, Money]]) -> None:
    """Raise UnbalancedTransaction unless the lines sum to zero in every currency."""
    if len(lines) < 2:
        raise UnbalancedTransaction("A transaction needs at least two postings.")
    sums: dict[str, int] = defaultdict(int)
    for account, money in lines:
        if money.minor == 0:
            raise UnbalancedTransaction("A posting cannot be zero.")
        if account.currency != money.currency:
            raise UnbalancedTransaction(f"Account {account} is kept in {account.currency}, not {money.currency}.")
        sums[money.currency] += money.minor
    off = {currency: total for currency, total in sums.items() if total != 0}
    if off:
        detail = ", ".join(f"{Money.from_minor(total, cur)}" for cur, total in sorted(off.items()))
        raise UnbalancedTransaction(f"Transaction does not balance: off by {detail}.")


def post_transaction(
    *,
    kind: str,
    lines: Sequence[tuple[Account, Money]],
    campaign: Campaign | None = None,
    memo: str = "",
    occurred_on: dt.date | None = None,
    created_by: User | None = None,
    reverses: Transaction | None = None,
    idempotency_key: str | None = None,
    fx_rate: str = "",
    fx_source: str = "",
    ref: str = "",
) -> Transaction:
    """Record one balanced transaction with its postings, atomically.

    Lines are (account, signed Money): positive debits, negative credits.
    """
    if kind not in TransactionKind.values:
        raise DomainError(f"Unknown transaction kind {kind!r}.")
    check_balanced(lines)
    # No savepoint of its own inside a caller's transaction: a failure here ends with the
    # caller's atomic block (or transaction), which is where every caller handles it.
    with transaction.atomic(savepoint=False):
        txn = Transaction.objects.create(
            kind=kind,
            campaign=campaign,
            memo=memo[:200],
            occurred_on=occurred_on or timezone.localdate(),
            created_by=created_by,
            reverses=reverses,
            idempotency_key=idempotency_key,
            fx_rate=fx_rate,
            fx_source=fx_source,
            ref=ref,
        )
        Posting.objects.bulk_create(
            [
                Posting(transaction=txn, account=account, amount_minor=money.minor, currency=money.currency)
                for account, money in lines
            ]
        )
        # The public log gets the entry after commit, off the payment's transaction (tasks.py).
        seal_after_commit()
    return txn


def reverse_transaction(
    *,
    original: Transaction,
    memo: str = "",
    created_by: User | None = None,
    occurred_on: dt.date | None = None,
) -> Transaction:
    """Post the exact mirror of `original`. A transaction can be reversed only once."""
    if original.kind == TransactionKind.REVERSAL:
        raise DomainError("A reversal cannot itself be reversed; post a new transaction instead.")
    if Transaction.objects.filter(reverses=original).exists():
        raise DomainError(f"Transaction #{original.pk} has already been reversed.")
    lines = [(p.account, -p.money) for p in original.postings.select_related("account")]
    try:
        with transaction.atomic():
            return post_transaction(
                kind=TransactionKind.REVERSAL,
                lines=lines,
                campaign=original.campaign,
                memo=memo or f"Reversal of #{original.pk}",
                occurred_on=occurred_on,
                created_by=created_by,
                reverses=original,
                ref=original.ref,
                fx_rate=original.fx_rate,
                fx_source=original.fx_source,
            )
    except IntegrityError as exc:
        raise DomainError(f"Transaction #{original.pk} has already been reversed.") from exc
