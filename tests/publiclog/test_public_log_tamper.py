"""verify_ledger recomputes the sealed log from the rows and names the first rewritten entry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from solidarity.campaigns.funds import campaign_fund, campaign_owner
from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import AccountPurpose, TransactionKind
from solidarity.ledger.services import get_account, post_transaction
from solidarity.ledger.verification import verify_ledger
from solidarity.publiclog.merkle import leaf_hash
from solidarity.publiclog.models import Checkpoint, LogEntry
from solidarity.publiclog.sealing import seal_log
from tests.tampering import switch_guards_off

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(campaign, staff_user):
    """Four sealed transactions, entry i for transaction i: donations of 10 EUR, a fee, 20 and 30 EUR."""

    def donation(amount: str):
        money = Money(Decimal(amount), "EUR")
        recorded = record_staff_donation(campaign=campaign, amount=money, channel="cash", actor=staff_user)
        return recorded.donation.ledger_transaction

    fee = Money(Decimal("1"), "EUR")
    fees = get_account(purpose=AccountPurpose.FEES, currency="EUR")
    txns = [donation("10")]
    txns.append(
        post_transaction(
            kind=TransactionKind.FEE,
            owner=campaign_owner(campaign),
            lines=[(fees, fee), (campaign_fund(campaign), -fee)],
        )
    )
    txns += [donation("20"), donation("30")]
    seal_log()
    assert verify_ledger().ok
    return [LogEntry.objects.get(transaction=t) for t in txns]


def _fails_naming(capsys, text: str) -> str:
    with pytest.raises(CommandError, match="verification failed"):
        call_command("verify_ledger")
    err = capsys.readouterr().err
    assert text in err, err
    return err


def test_a_rewritten_posting_amount_is_named_even_when_it_still_balances(sealed, capsys) -> None:
    target = sealed[2]
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_posting")
        # Both postings doubled: every ledger invariant still holds, only the log notices.
        cur.execute(
            "UPDATE ledger_posting SET amount_minor = amount_minor * 2 WHERE transaction_id = %s",
            [target.transaction_id],
        )
    err = _fails_naming(
        capsys,
        f"log entry #2 (transaction #{target.transaction_id}): the ledger rows no longer match the sealed entry "
        "(postings changed)",
    )
    assert "does not balance" not in err and "log entry #0" not in err


def test_a_deleted_transaction_is_named(sealed, capsys) -> None:
    fee = sealed[1]
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_posting", "ledger_transaction", "ledger_logentry")
        cur.execute("DELETE FROM ledger_logentry WHERE id = %s", [fee.pk])
        cur.execute("DELETE FROM ledger_posting WHERE transaction_id = %s", [fee.transaction_id])
        cur.execute("DELETE FROM ledger_transaction WHERE id = %s", [fee.transaction_id])
    _fails_naming(capsys, "log entry #1: missing (the next stored entry is #2)")


def test_the_deleted_newest_transaction_is_named(sealed, capsys) -> None:
    last = sealed[3]
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_logentry")
        cur.execute("DELETE FROM ledger_logentry WHERE id = %s", [last.pk])
    _fails_naming(capsys, "log entry #3: missing (checkpoint at tree size 4 covers it)")


def test_two_swapped_transactions_are_named(sealed, capsys) -> None:
    a, b = sealed[0], sealed[2]
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_posting")
        # Each donation's postings moved to the other: the books still balance.
        cur.execute(
            "UPDATE ledger_posting SET transaction_id = CASE WHEN transaction_id = %s THEN %s ELSE %s END "
            "WHERE transaction_id IN (%s, %s)",
            [a.transaction_id, b.transaction_id, a.transaction_id, a.transaction_id, b.transaction_id],
        )
    err = _fails_naming(capsys, f"log entry #0 (transaction #{a.transaction_id}): the ledger rows no longer match")
    assert f"log entry #2 (transaction #{b.transaction_id})" in err


def test_two_swapped_log_entries_are_named(sealed, capsys) -> None:
    a, b = sealed[1], sealed[2]
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_logentry")
        cur.execute('UPDATE ledger_logentry SET "index" = 1000000 WHERE id = %s', [a.pk])
        cur.execute('UPDATE ledger_logentry SET "index" = 1 WHERE id = %s', [b.pk])
        cur.execute('UPDATE ledger_logentry SET "index" = 2 WHERE id = %s', [a.pk])
    _fails_naming(
        capsys,
        f"log entry #1 (transaction #{b.transaction_id}): the ledger rows no longer match the sealed entry (index changed)",
    )


def test_a_consistently_rewritten_entry_still_breaks_the_signed_root(sealed, capsys) -> None:
    target = sealed[2]
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_posting", "ledger_logentry")
        cur.execute(
            "UPDATE ledger_posting SET amount_minor = amount_minor * 2 WHERE transaction_id = %s",
            [target.transaction_id],
        )
        forged = target.entry.replace("2000", "4000").encode()
        cur.execute(
            "UPDATE ledger_logentry SET entry = %s, leaf_hash = %s WHERE id = %s",
            [forged.decode(), leaf_hash(forged).hex(), target.pk],
        )
    err = _fails_naming(
        capsys, "checkpoint at tree size 4: its signed root hash does not match the log, though every entry matches"
    )
    assert "log entry #" not in err  # the rows agree with each other; only the signature remembers


def test_a_rewritten_entry_and_leaf_hash_name_the_entry_not_a_range(sealed, capsys) -> None:
    target = sealed[2]
    forged = target.entry.replace("2000", "4000").encode()
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_logentry")
        cur.execute(
            "UPDATE ledger_logentry SET entry = %s, leaf_hash = %s WHERE id = %s",
            [forged.decode(), leaf_hash(forged).hex(), target.pk],
        )
    _fails_naming(capsys, "checkpoint at tree size 4: root hash does not match; the first bad entry is log entry #2")


def test_a_rewritten_checkpoint_is_named(sealed, capsys) -> None:
    checkpoint = Checkpoint.objects.get()
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_checkpoint")
        cur.execute("UPDATE ledger_checkpoint SET root_hash = %s WHERE id = %s", ["ab" * 32, checkpoint.pk])
    _fails_naming(capsys, "checkpoint at tree size 4: the signed note disagrees with the stored tree size or root")


def test_the_database_refuses_edits_to_the_log(sealed, on_postgres) -> None:
    from django.db import IntegrityError, transaction

    for sql in ("UPDATE ledger_logentry SET leaf_hash = 'x'", "DELETE FROM ledger_checkpoint"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql)
