"""Two sealers at once, each on its own PostgreSQL connection, never assign an index twice."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Transaction
from solidarity.ledger.verification import verify_ledger
from solidarity.publiclog import sealing as log_service
from solidarity.publiclog.models import Checkpoint, LogEntry
from solidarity.publiclog.sealing import seal_log
from tests.factories import UserFactory, active_campaign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("on_postgres")]


def _donations(n: int) -> None:
    campaign = active_campaign(currency="EUR", goal="1000")
    actor = UserFactory(username="sealer-test", is_superuser=True)
    for i in range(n):
        money = Money(Decimal(i + 1), "EUR")
        record_staff_donation(campaign=campaign, amount=money, channel="cash", actor=actor)


def _race(sealers: int, batch_size: int) -> list[BaseException]:
    """Start `sealers` threads together; each seals on its own connection."""
    start, errors = threading.Barrier(sealers), []

    def run() -> None:
        try:
            start.wait(timeout=10)
            seal_log(batch_size=batch_size)
        except BaseException as exc:  # reported to the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(sealers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def _assert_whole_log(n: int) -> None:
    rows = list(LogEntry.objects.order_by("index").values_list("index", "transaction_id"))
    assert [index for index, _ in rows] == list(range(n))
    assert [txn for _, txn in rows] == list(Transaction.objects.order_by("id").values_list("id", flat=True))
    assert Checkpoint.objects.order_by("-tree_size").values_list("tree_size", flat=True).first() == n
    report = verify_ledger()
    assert report.ok, report.problems


def test_two_concurrent_sealers_never_double_assign() -> None:
    _donations(30)
    assert _race(2, batch_size=4) == []
    _assert_whole_log(30)


def test_without_the_lock_the_unique_index_still_guards(monkeypatch) -> None:
    _donations(12)
    arrived = threading.Barrier(2)
    local = threading.local()

    def meet_then_race() -> None:
        # Both sealers read the end of the log before either writes: the worst case.
        if not getattr(local, "met", False):
            local.met = True
            arrived.wait(timeout=10)

    monkeypatch.setattr(log_service, "_lock", meet_then_race)
    assert _race(2, batch_size=12) == []
    _assert_whole_log(12)
