"""The back office's books page, as a finance user uses it: past both login steps, pick a
period, download one ZIP of the six files; the export is in the audit log."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import pytest
from django.test import Client

from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.staff.models import AuditEntry
from tests.factories import active_campaign
from tests.staff.role_clients import verified_client

pytestmark = pytest.mark.django_db
FILES = ["balances.csv", "bank_lines.csv", "donations.csv", "fees.csv", "payouts.csv", "refunds.csv"]


def test_finance_downloads_the_books_of_a_period_as_one_zip() -> None:
    campaign = active_campaign(slug="books-page")
    finance = verified_client("finance")
    record_staff_donation(
        campaign=campaign, amount=Money(Decimal("40.00"), "EUR"), channel="cash", actor=None, received_on=None
    )
    page = finance.get("/staff/books/")
    assert page.status_code == 200
    assert "Books for the accountant" in page.content.decode()
    assert page["Cache-Control"] == "no-store"

    response = finance.post("/staff/books/", {"start": "2000-01-01", "end": "2100-12-31"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert 'filename="books-2000-01-01-2100-12-31.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(name.rsplit("/", 1)[1] for name in archive.namelist()) == FILES
    (balances,) = [n for n in archive.namelist() if n.endswith("balances.csv")]
    rows = list(csv.DictReader(io.TextIOWrapper(archive.open(balances), encoding="utf-8")))
    assert [(r["campaign"], r["received"], r["closing"]) for r in rows] == [("books-page", "40.00", "40.00")]

    entry = AuditEntry.objects.get(action="books.export")
    assert entry.actor.username == "finance-user"
    assert entry.summary["start"] == "2000-01-01" and entry.summary["end"] == "2100-12-31"
    assert "donations.csv=1" in entry.summary["rows"]


def test_a_period_that_ends_before_it_starts_is_refused_and_nothing_is_exported() -> None:
    finance = verified_client("finance")
    response = finance.post("/staff/books/", {"start": "2026-02-01", "end": "2026-01-31"})
    assert response.status_code == 200
    assert "must start on or before" in response.content.decode()
    assert not AuditEntry.objects.filter(action="books.export").exists()


@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_other_roles_may_not_export_the_books(role: str) -> None:
    client = verified_client(role)
    assert client.get("/staff/books/").status_code == 403
    assert client.post("/staff/books/", {"start": "2000-01-01", "end": "2100-12-31"}).status_code == 403
    assert not AuditEntry.objects.filter(action="books.export").exists()


def test_without_both_login_steps_the_page_sends_to_the_login() -> None:
    response = Client(HTTP_HOST="127.0.0.1").get("/staff/books/")
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/login/")


def test_the_donations_list_links_to_the_books() -> None:
    finance = verified_client("finance")
    assert 'href="/staff/books/"' in finance.get("/staff/donations/donation/").content.decode()
