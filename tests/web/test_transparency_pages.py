"""Transparency pages: every figure from the ledger, charts without JavaScript, CSV export."""

from __future__ import annotations

import csv
import functools
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Posting
from solidarity.ledger.selectors import public_postings
from solidarity.ledger.verification import verify_ledger
from solidarity.web import transparency_pages
from solidarity.web.charts import Bar, bar_chart

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


@pytest.fixture
def demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


def test_seed_transparency_page_tells_the_whole_story(client, demo) -> None:
    response = client.get("/en/campaigns/sergei-sakovets/transparency/")
    html = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert dict(re.findall(r'id="t-(\w+)">([^<]+)', html)) == {
        "collected": "€1,125",
        "spent": "€1,100",
        "balance": "€25",
    }
    for text in (
        "Loan repayment",
        "Legal aid",
        "Transfers to the detention centre",
        "April 4, 2022",
        "€500",
        "€450",
        "€150",
    ):
        assert text in html
    assert "<svg" in html and 'role="img"' in html and "<script" not in html
    assert verify_ledger().ok


def test_seed_transparency_page_in_russian(client, demo) -> None:
    html = client.get("/ru/campaigns/sergei-sakovets/transparency/").content.decode()
    assert "1\u00a0125\u00a0€" in html and "Собрано" in html


def test_site_page_counts_people_campaigns_and_months(client, demo) -> None:
    html = client.get("/en/transparency/").content.decode()
    assert "People helped" in html and "March 2022" in html
    assert "<svg" in html


def test_csv_export_is_the_ledger_and_names_no_donor(client, staff_user, campaign) -> None:
    record_staff_donation(
        campaign=campaign,
        amount=Money(Decimal(30), "EUR"),
        channel="cash",
        actor=staff_user,
        public_name="Olga Secret",
        message="private words",
    )
    response = client.get("/en/transparency/ledger.csv")
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == Posting.objects.count() == 2
    assert sum(Decimal(r["amount"]) for r in rows) == 0
    assert "Olga" not in body and "private" not in body
    assert not response.cookies


def test_csv_export_reads_the_ledger_a_few_transactions_at_a_time_in_order(client, demo, monkeypatch) -> None:
    # Pages of 4 transactions (1000 in production): every page boundary of the demo's ledger.
    monkeypatch.setattr(transparency_pages, "public_postings", functools.partial(public_postings, batch=4))
    body = b"".join(client.get("/en/transparency/ledger.csv").streaming_content).decode()
    rows = [(int(r["transaction"]), r["account"], r["amount"]) for r in csv.DictReader(io.StringIO(body))]
    expected = [
        (txn, purpose, str(Money.from_minor(minor, currency).amount))
        for txn, purpose, minor, currency in Posting.objects.order_by("transaction_id", "id").values_list(
            "transaction_id", "account__purpose", "amount_minor", "currency"
        )
    ]
    assert len(expected) > 8 and rows == expected


def test_chart_refuses_mixed_currencies_and_labels_every_bar() -> None:
    svg = bar_chart(
        [Bar("Collected", Money(Decimal(10), "EUR")), Bar("Spent", Money(Decimal(5), "EUR"), "out")], title="t"
    )
    assert svg.count("<rect") == 2 and "€10" in svg and "style=" not in svg
    with pytest.raises(ValueError):
        bar_chart([Bar("a", Money(Decimal(1), "EUR")), Bar("b", Money(Decimal(1), "USD"))], title="t")
