"""A donation never updates a row that other donations to the same campaign also update.

Campaign totals are sums over append-only postings (ledger/selectors.py), so settling a
donation inserts rows and updates only that donation's own row: concurrent donations to
one campaign never queue behind a shared counter. docs/benchmarks.md ("hotrow") measures
what a shared counter would cost.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from solidarity.campaigns.funds import campaign_fund
from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.settlement import settle_donation
from solidarity.ledger.models import AccountPurpose
from solidarity.ledger.services import get_account

pytestmark = pytest.mark.django_db


def _pending(campaign, amount: str = "25"):
    return create_donation_intent(campaign=campaign, amount=Money(Decimal(amount), "EUR"), channel="card").donation


def _settle(donation, key: str) -> None:
    settle_donation(
        donation=donation,
        received=Money(Decimal("25"), "EUR"),
        settled_on=dt.date.today(),
        asset=AccountPurpose.CARD_PROCESSOR,
        key=key,
    )


def test_settling_updates_only_the_donations_own_row(campaign) -> None:
    first, second = _pending(campaign), _pending(campaign)
    _settle(first, "k1")  # the fund and rail accounts exist from now on, as in production
    with CaptureQueriesContext(connection) as queries:
        _settle(second, "k2")
    sql = [q["sql"] for q in queries.captured_queries]
    updates = [s for s in sql if s.lstrip().upper().startswith("UPDATE")]
    locks = [s for s in sql if "FOR UPDATE" in s.upper()]
    assert updates, "the donation is marked paid"
    for statement in updates + locks:
        table = re.search(r'(?:UPDATE|FROM)\s+"?(\w+)"?', statement, re.IGNORECASE)
        assert table is not None and table.group(1) == "donations_donation", statement
        assert str(second.pk) in statement or "%s" in statement
    assert not any(re.search(r"UPDATE\s+\"?(campaigns_|ledger_)", s, re.IGNORECASE) for s in sql)


@pytest.mark.django_db(transaction=True)
def test_two_open_settlements_to_one_campaign_do_not_wait_for_each_other(campaign, on_postgres) -> None:
    first, second = _pending(campaign), _pending(campaign)
    campaign_fund(campaign)
    get_account(purpose=AccountPurpose.CARD_PROCESSOR, currency="EUR")
    holding = threading.Event()
    release = threading.Event()
    errors: list[BaseException] = []

    def hold_first_open() -> None:
        try:
            with transaction.atomic():
                _settle(first, "hold-1")
                holding.set()
                release.wait(10)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
            holding.set()
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold_first_open)
    thread.start()
    try:
        assert holding.wait(10)
        with connection.cursor() as cursor:
            # Any lock shared with the open transaction would make this fail, not wait.
            cursor.execute("SET lock_timeout = '2s'")
        _settle(second, "hold-2")
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    finally:
        release.set()
        thread.join(10)
    assert not errors
