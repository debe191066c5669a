"""Public, read-only endpoints: campaigns, one campaign with totals, the receipt check."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from solidarity.campaigns.services import close_campaign
from solidarity.core.formatting import format_money
from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from tests.factories import CampaignFactory, active_campaign

pytestmark = pytest.mark.django_db


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def test_seed_campaign_totals_equal_the_campaign_pages(api: Client) -> None:
    call_command("load_demo", stdout=io.StringIO())
    page = Client().get("/en/campaigns/sergei-sakovets/")
    html = page.content.decode()
    body = api.get("/api/v1/campaigns/sergei-sakovets", headers={"Accept-Language": "en"}).json()
    totals = body["totals"]
    assert totals["collected"] == {"amount": "1125.00", "currency": "EUR", "minor": 112500}
    collected = Money(Decimal(totals["collected"]["amount"]), "EUR")
    assert format_money(collected, "en") in html  # "€1,125", as the page shows it
    assert f"{totals['donations']} donations" in html
    card = page.context["card"]  # the very figures the page was rendered from
    assert totals["collected"]["minor"] == card.totals.collected.minor
    assert totals["donations"] == card.totals.donations
    assert totals["balance"]["minor"] == card.totals.balance.minor
    assert totals["spent"]["minor"] == card.totals.spent.minor
    assert body["goal"]["minor"] == card.goal.minor
    assert body["finished"] is True and body["status"] == "reported"
    assert {n["category"] for n in body["needs"]} == {"loan_repayment", "legal_aid", "prison_transfers"}
    assert body["beneficiary"]["timeline"] and body["updates"]


def test_money_amounts_are_decimal_strings_never_numbers(api: Client, staff_user) -> None:
    campaign = active_campaign(goal="1100.50")
    record_staff_donation(campaign=campaign, amount=eur("0.10"), channel="cash", actor=staff_user)
    text = api.get(f"/api/v1/campaigns/{campaign.slug}").content.decode()
    assert '"collected": {"amount": "0.10", "currency": "EUR", "minor": 10}' in text
    assert '"goal": {"amount": "1100.50", "currency": "EUR", "minor": 110050}' in text
    assert not re.search(r'"amount": [0-9]', text)


def test_drafts_are_not_found(api: Client) -> None:
    draft = CampaignFactory()
    response = api.get(f"/api/v1/campaigns/{draft.slug}")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "No such campaign."}}
    assert draft.slug not in [c["slug"] for c in api.get("/api/v1/campaigns").json()["items"]]


def test_list_filters_by_status_category_currency_and_text(api: Client, staff_user) -> None:
    open_eur = active_campaign(currency="EUR", title_en="Lawyer for Anna")
    usd = active_campaign(currency="USD", title_en="Parcels for Boris")
    closed = active_campaign(currency="EUR", title_en="Done for Clara")
    close_campaign(campaign=closed)

    def slugs(query: str) -> set[str]:
        return {c["slug"] for c in api.get(f"/api/v1/campaigns?{query}").json()["items"]}

    assert slugs("status=active") == {open_eur.slug, usd.slug}
    assert slugs("status=closed") == {closed.slug}
    assert slugs("currency=USD") == {usd.slug}
    assert slugs("q=boris") == {usd.slug}
    assert slugs("category=legal_aid") == {open_eur.slug, usd.slug, closed.slug}
    assert slugs("category=medical") == set()
    assert api.get("/api/v1/campaigns?status=draft").status_code == 422


def test_cursor_pagination_walks_every_campaign_once_in_a_stable_order(api: Client) -> None:
    made = [active_campaign().slug for _ in range(5)]
    seen: list[str] = []
    cursor = ""
    while True:
        body = api.get(f"/api/v1/campaigns?limit=2{'&cursor=' + cursor if cursor else ''}").json()
        seen += [c["slug"] for c in body["items"]]
        if not body["next_cursor"]:
            break
        cursor = body["next_cursor"]
    assert seen == list(reversed(made))


def test_a_forged_cursor_is_a_400_with_its_code(api: Client) -> None:
    response = api.get("/api/v1/campaigns?cursor=not-a-cursor")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"


def test_receipt_check_answers_counted_campaign_amount_and_day_only(api: Client, staff_user, campaign) -> None:
    recorded = record_staff_donation(
        campaign=campaign, amount=eur("25"), channel="cash", actor=staff_user, public_name="Olga", message="Hi"
    )
    response = api.post(
        "/api/v1/receipts/check", {"code": recorded.receipt_code.lower()}, content_type="application/json"
    )
    assert response.status_code == 200  # without a CSRF cookie or token
    body = response.json()
    assert body == {
        "found": True,
        "counted": True,
        "status": "paid",
        "campaign": {"slug": campaign.slug, "title": campaign.title},
        "amount": {"amount": "25.00", "currency": "EUR", "minor": 2500},
        "day": recorded.donation.received_on.isoformat(),
    }
    assert "Olga" not in response.content.decode() and "cash" not in response.content.decode()


def test_an_unknown_receipt_code_is_not_found_without_error(api: Client) -> None:
    body = api.post("/api/v1/receipts/check", {"code": "AAAA-BBBB"}, content_type="application/json").json()
    assert body["found"] is False and body["counted"] is False and body["amount"] is None


def test_the_receipt_check_takes_no_code_in_the_url(api: Client) -> None:
    assert api.get("/api/v1/receipts/check?code=AAAA").status_code == 405


def test_validation_errors_use_the_one_error_shape(api: Client) -> None:
    response = api.post("/api/v1/receipts/check", {"code": ""}, content_type="application/json")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "code" in error["message"]


def test_unknown_api_addresses_answer_json_not_html(api: Client) -> None:
    response = api.get("/api/v1/no/such/thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_an_unexpected_failure_is_a_500_in_the_error_shape(api: Client, campaign, monkeypatch) -> None:
    from solidarity.api import public_campaigns

    def broken(campaign):
        raise RuntimeError("boom")

    monkeypatch.setattr(public_campaigns, "campaign_totals", broken)
    response = api.get(f"/api/v1/campaigns/{campaign.slug}")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "server_error", "message": "Something went wrong on our side."}}


def test_the_api_root_points_to_its_documents(api: Client) -> None:
    body = api.get("/api/v1/").json()
    assert body["openapi"] == "/api/v1/openapi.json" and body["docs"] == "/api/v1/docs"


def test_nul_bytes_in_filters_are_harmless(client) -> None:
    """PostgreSQL text cannot hold NUL: the search must not pass one to the database."""
    for query in ("q=a%00b", "q=%00"):
        assert client.get(f"/api/v1/campaigns?{query}").status_code == 200, query
    assert client.get("/api/v1/campaigns?currency=E%00R").status_code == 422  # not a currency code
    assert Client(HTTP_HOST="127.0.0.1").get("/en/campaigns/?q=a%00b").status_code == 200
