"""The export reads one snapshot: outside any transaction (as the command and the page run
it) it opens its own, read-only and REPEATABLE READ on PostgreSQL, and still writes every file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection

from solidarity.books.export import write_books
from solidarity.books.period import Period
from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from tests.factories import active_campaign


@pytest.mark.django_db(transaction=True)
def test_an_export_outside_any_transaction_opens_its_own_snapshot(tmp_path: Path) -> None:
    campaign = active_campaign(slug="snapshot")
    day = dt.date(2026, 3, 2)
    record_staff_donation(
        campaign=campaign, amount=Money(Decimal("7.50"), "EUR"), channel="cash", actor=None, received_on=day
    )
    assert not connection.in_atomic_block
    counts = write_books(period=Period(day, day), directory=tmp_path)
    assert counts["donations.csv"] == 1
    assert "snapshot,EUR,0.00,7.50,0.00,0.00,0.00,0.00,0.00,7.50" in (tmp_path / "balances.csv").read_text()
    assert connection.get_autocommit()  # the snapshot's transaction is over
