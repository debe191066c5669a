"""Writes to the ledger. Every money movement goes through `post_transaction`.

With `selectors.py` (balances by owner) and `verification.py` this is the ledger's whole
API: accounts are found by an opaque owner, a purpose and a currency; transactions carry
a kind code, an opaque owner and reference, and an idempotency key. Nothing here knows
what a campaign or a donation is.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from solidarity.core.errors import DomainError, UnbalancedTransaction
from solidarity.core.money import Money
from solidarity.ledger.models import (
    FOUNDATION,
    Account,
    AccountKind,
    AccountPurpose,
    Posting,
    Transaction,
    TransactionKind,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

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
    # The foundation's own money, spent when it covers what a fund could not (a lost dispute).
    AccountPurpose.RESERVE: AccountKind.EQUITY,
    # What finished campaigns' surplus gave to other prisoners: held by the foundation for them.
    AccountPurpose.GENERAL_FUND: AccountKind.LIABILITY,
}


# Called with each posted transaction once the database transaction that wrote it commits
# (the public log queues its sealer here); registered by the apps above the ledger.
_after_commit: list[Callable[[], None]] = []


def call_after_posting(callback: Callable[[], None]) -> None:
    """Have `callback` run after the commit of every database transaction that posts (once each time)."""
    if callback not in _after_commit:
        _after_commit.append(callback)


def get_account(*, purpose: str, currency: str, owner: str = FOUNDATION) -> Account:
    """Open or find the account for (owner, purpose, currency); owner "" is the foundation's own."""
    currency = Money.zero(currency).currency
    if purpose not in ACCOUNT_KINDS:
        raise DomainError(f"Unknown account purpose {purpose!r}.")
    lookup = {"purpose": purpose, "currency": currency, "owner": owner}
    account = Account.objects.filter(**lookup).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(kind=ACCOUNT_KINDS[purpose], **lookup)
    except IntegrityError:
        # Another request created it between our read and our insert.
        return Account.objects.get(**lookup)


def find_transaction(idempotency_key: str) -> Transaction | None:
    """The transaction posted under `idempotency_key`, if any."""
    return Transaction.objects.filter(idempotency_key=idempotency_key).first()


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
    owner: str = FOUNDATION,
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

    Lines are (account, signed Money): positive debits, negative credits. Posting under an
    idempotency key that is already taken returns the transaction first posted with it and
    writes nothing (a concurrent poster that loses the race gets the unique-constraint
    error, which ends its caller's atomic block; on retry it gets the first transaction).
    """
    if kind not in TransactionKind.values:
        raise DomainError(f"Unknown transaction kind {kind!r}.")
    check_balanced(lines)
    for account, _money in lines:
        if account.owner not in (FOUNDATION, owner):
            raise DomainError(f"Account {account} belongs to {account.owner!r}, not to {owner!r}.")
    if idempotency_key is not None:
        existing = find_transaction(idempotency_key)
        if existing is not None:
            return existing
    # No savepoint of its own inside a caller's transaction: a failure here ends with the
    # caller's atomic block (or transaction), which is where every caller handles it.
    with transaction.atomic(savepoint=False):
        txn = Transaction.objects.create(
            kind=kind,
            owner=owner,
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
        for callback in _after_commit:
            transaction.on_commit(callback, robust=True)
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
        raise DomainError(_("A reversal cannot itself be reversed; post a new transaction instead."))
    if Transaction.objects.filter(reverses=original).exists():
        raise DomainError(_("Transaction #%(id)s has already been reversed.") % {"id": original.pk})
    lines = [(p.account, -p.money) for p in original.postings.select_related("account")]
    try:
        with transaction.atomic():
            return post_transaction(
                kind=TransactionKind.REVERSAL,
                lines=lines,
                owner=original.owner,
                memo=memo or f"Reversal of #{original.pk}",
                occurred_on=occurred_on,
                created_by=created_by,
                reverses=original,
                ref=original.ref,
                fx_rate=original.fx_rate,
                fx_source=original.fx_source,
            )
    except IntegrityError as exc:
        raise DomainError(_("Transaction #%(id)s has already been reversed.") % {"id": original.pk}) from exc
