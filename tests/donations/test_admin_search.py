"""Finding a donation in the back office with one search: as a finance user types it into
the donations list's search box, or narrows the list with its filters."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.references import format_reference
from solidarity.donations.search import parse_decimal
from solidarity.donations.services import record_staff_donation
from solidarity.staff.models import AuditEntry
from tests.factories import active_campaign
from tests.staff.role_clients import verified_client

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


@pytest.fixture
def finance() -> Client:
    return verified_client("finance")


@pytest.fixture
def donations() -> dict:
    eur = active_campaign(slug="search-eur")
    jpy = active_campaign(slug="search-jpy", currency="JPY", goal="100000")

    def staff(campaign, amount: str, currency: str, channel: str = "cash", day: dt.date = DAY):
        return record_staff_donation(
            campaign=campaign, amount=Money(Decimal(amount), currency), channel=channel, actor=None, received_on=day
        )

    made = {
        "eur_40": staff(eur, "40.00", "EUR"),
        "eur_040": staff(eur, "0.40", "EUR", channel="other", day=DAY + dt.timedelta(days=3)),
        "jpy_40": staff(jpy, "40", "JPY", day=DAY - dt.timedelta(days=3)),
        "jpy_4000": staff(jpy, "4000", "JPY", channel="other_platform"),
    }
    transfer = create_donation_intent(campaign=eur, amount=Money(Decimal("25.00"), "EUR"), channel="bank_transfer")
    card = create_donation_intent(campaign=eur, amount=Money(Decimal("25.00"), "EUR"), channel="card")
    return {
        **{name: recorded.donation for name, recorded in made.items()},
        "transfer": transfer.donation,
        "card": card.donation,
        "card_code": card.receipt_code,
        "eur_40_code": made["eur_40"].receipt_code,
    }


def found(client: Client, query: str = "", **filters: str) -> set[int]:
    params = {"q": query, **filters} if query else filters
    response = client.get("/staff/donations/donation/", params)
    assert response.status_code == 200, response.content.decode()[:300]
    return {d.pk for d in response.context["cl"].result_list}


def test_an_rf_reference_finds_its_donation_in_any_spacing_and_case(finance, donations) -> None:
    reference = donations["transfer"].bank_reference
    for typed in (
        reference,
        reference.lower(),
        format_reference(reference),
        f"  {format_reference(reference).lower()} ",
    ):
        assert found(finance, typed) == {donations["transfer"].pk}, typed


def test_a_wrong_check_digit_finds_nothing(finance, donations) -> None:
    reference = donations["transfer"].bank_reference
    wrong = reference[:2] + f"{(int(reference[2:4]) + 1) % 100:02d}" + reference[4:]
    assert found(finance, wrong) == set()


def test_a_receipt_code_finds_its_donation_by_hash_with_or_without_dashes(finance, donations) -> None:
    code = donations["card_code"]
    for typed in (code, code.lower(), code.replace("-", ""), code.replace("-", " ")):
        assert found(finance, typed) == {donations["card"].pk}, typed
    assert found(finance, donations["eur_40_code"]) == {donations["eur_40"].pk}


def test_a_receipt_code_search_stores_and_logs_nothing_of_the_code(finance, donations, caplog) -> None:
    code = donations["card_code"]
    compact = code.replace("-", "")
    with caplog.at_level(logging.DEBUG):
        assert found(finance, code) == {donations["card"].pk}
    assert compact not in caplog.text and code not in caplog.text
    for entry in AuditEntry.objects.all():
        assert compact not in str(entry.summary) and code not in str(entry.summary)
    for session in Session.objects.all():
        decoded = str(session.get_decoded())
        assert compact not in decoded and code not in decoded
    assert not AuditEntry.objects.filter(action__icontains="search").exists()


@pytest.mark.parametrize("typed", ["40", "40.00", "40,00", " 40 "])
def test_an_amount_finds_that_many_units_in_every_currency(finance, donations, typed: str) -> None:
    assert found(finance, typed) == {donations["eur_40"].pk, donations["jpy_40"].pk}


def test_an_amount_with_its_currency_finds_that_currency_only(finance, donations) -> None:
    assert found(finance, "40 EUR") == {donations["eur_40"].pk}
    assert found(finance, "eur 40,00") == {donations["eur_40"].pk}
    assert found(finance, "40 JPY") == {donations["jpy_40"].pk}
    assert found(finance, "4000 jpy") == {donations["jpy_4000"].pk}


def test_cents_are_no_amount_of_yen(finance, donations) -> None:
    assert found(finance, "0.40") == {donations["eur_040"].pk}
    assert found(finance, "0,4") == {donations["eur_040"].pk}


def test_thousands_groupings_are_read_as_people_write_them() -> None:
    assert parse_decimal("1 125,50") == Decimal("1125.50")
    assert parse_decimal("1,125.50") == Decimal("1125.50")
    assert parse_decimal("1.125,50") == Decimal("1125.50")
    assert parse_decimal("1,125") == Decimal("1125")
    assert parse_decimal("40,5") == Decimal("40.5")
    assert parse_decimal("40.") is None
    assert parse_decimal("1,2,3.4.5") is None


def test_a_day_finds_the_donations_received_that_day(finance, donations) -> None:
    assert found(finance, "2026-11-17") == {donations["jpy_40"].pk}
    assert found(finance, "23.11.2026") == {donations["eur_040"].pk}


def test_a_date_range_filter_keeps_both_ends(finance, donations) -> None:
    around = {"received_on__gte": "2026-11-17", "received_on__lte": "2026-11-20"}
    assert found(finance, **around) == {donations[n].pk for n in ("eur_40", "jpy_40", "jpy_4000")}
    page = finance.get("/staff/donations/donation/", around).content.decode()
    assert 'name="received_on__gte" value="2026-11-17"' in page


def test_filters_by_campaign_channel_and_status_combine_with_a_search(finance, donations) -> None:
    jpy = donations["jpy_40"].campaign_id
    assert found(finance, campaign__id__exact=str(jpy)) == {donations["jpy_40"].pk, donations["jpy_4000"].pk}
    assert found(finance, channel__exact="other_platform") == {donations["jpy_4000"].pk}
    assert found(finance, status__exact="pending") == {donations["transfer"].pk, donations["card"].pk}
    assert found(finance, "40", campaign__id__exact=str(jpy)) == {donations["jpy_40"].pk}


def test_a_donation_number_finds_that_donation(finance, donations) -> None:
    assert found(finance, f"#{donations['jpy_4000'].pk}") == {donations["jpy_4000"].pk}


def test_other_words_search_the_campaign_as_before(finance, donations) -> None:
    assert found(finance, "search-jpy") == {donations["jpy_40"].pk, donations["jpy_4000"].pk}
