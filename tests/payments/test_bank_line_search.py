"""Finding a bank statement line in the back office: by amount, booking day, RF reference
(on a waiting line, or through the donation a matched line paid) and the plain text that
stays readable; narrowed by a date range."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.references import format_reference
from solidarity.payments.models import BankLine
from solidarity.payments.reconciliation import import_statement
from tests.factories import active_campaign
from tests.payments.camt_builder import camt
from tests.staff.role_clients import verified_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def finance() -> Client:
    return verified_client("finance")


@pytest.fixture
def lines() -> dict:
    campaign = active_campaign(slug="lines")
    paid = create_donation_intent(campaign=campaign, amount=Money(Decimal("40.00"), "EUR"), channel="bank_transfer")
    reference = paid.donation.bank_reference
    entries = [
        {"amount": "40.00", "day": "2026-11-20", "text": f"Gift {format_reference(reference).lower()}"},
        {"amount": "12.34", "day": "2026-11-21", "text": "Rent share December", "bank_ref": "X1"},
        {"amount": "40.00", "day": "2026-11-25", "text": "no reference", "bank_ref": "X2"},
        {"amount": "0.40", "day": "2026-11-26", "text": "tiny", "bank_ref": "X3"},
    ]
    import_statement(data=camt(entries, msg="SEARCH-1"), actor=None, filename="s.xml")
    by_amount_day = {(line.amount_minor, line.booking_date.isoformat()): line for line in BankLine.objects.all()}
    return {
        "matched": by_amount_day[(4000, "2026-11-20")],
        "rent": by_amount_day[(1234, "2026-11-21")],
        "unmatched_40": by_amount_day[(4000, "2026-11-25")],
        "tiny": by_amount_day[(40, "2026-11-26")],
        "reference": reference,
    }


def found(client: Client, query: str = "", **filters: str) -> set[int]:
    params = {"q": query, **filters} if query else filters
    response = client.get("/staff/payments/bankline/", params)
    assert response.status_code == 200, response.content.decode()[:300]
    return {line.pk for line in response.context["cl"].result_list}


def test_the_matched_line_was_blanked_and_is_found_by_its_donations_reference(finance, lines) -> None:
    assert lines["matched"].state == "matched" and not lines["matched"].reference
    for typed in (lines["reference"], format_reference(lines["reference"]).lower()):
        assert found(finance, typed) == {lines["matched"].pk}


@pytest.mark.parametrize("typed", ["40", "40.00", "40,00", "40 EUR"])
def test_an_amount_finds_the_lines_of_that_amount(finance, lines, typed: str) -> None:
    assert found(finance, typed) == {lines["matched"].pk, lines["unmatched_40"].pk}


def test_cents_find_the_cents(finance, lines) -> None:
    assert found(finance, "0,40") == {lines["tiny"].pk}


def test_a_booking_day_finds_that_days_lines(finance, lines) -> None:
    assert found(finance, "2026-11-21") == {lines["rent"].pk}
    assert found(finance, "25.11.2026") == {lines["unmatched_40"].pk}


def test_a_date_range_narrows_a_search(finance, lines) -> None:
    assert found(finance, "40", booking_date__gte="2026-11-22", booking_date__lte="2026-11-30") == {
        lines["unmatched_40"].pk
    }


def test_text_searches_the_review_note_not_the_payers_data(finance, lines) -> None:
    assert lines["rent"].note == "no reference found"
    assert lines["rent"].pk in found(finance, "no reference found")
    assert found(finance, "Rent share") == set()  # remittance text is personal data: never searched
    assert found(finance, "Ivan Donorov") == set()
