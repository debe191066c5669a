"""The right family: a payout starts from its campaign, lists only its needs (never two lines
alike), and may be paid in another currency with the rate and its source recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from solidarity.campaigns import services as campaign_services
from solidarity.campaigns.funds import campaign_totals
from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.disbursements import services
from solidarity.disbursements.models import Disbursement, DisbursementStatus
from solidarity.disbursements.selectors import need_choices
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Posting
from solidarity.ledger.verification import verify_ledger
from solidarity.rates.exchange import NoExchangeRate
from solidarity.rates.models import ExchangeRate
from solidarity.staff.models import AuditEntry
from tests.api.conftest import staff_token
from tests.factories import BeneficiaryFactory, active_campaign, staff_with_role
from tests.staff.role_clients import verified_client

pytestmark = pytest.mark.django_db


DAY = dt.date(2026, 11, 20)
CHOOSER = "/staff/disbursements/disbursement/record/"


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def family(title: str, pseudonym: str, funded: str = "1000"):
    campaign = active_campaign(title_en=title, beneficiary=BeneficiaryFactory(public_name_en=pseudonym))
    campaign.needs.update(description_en="Lawyer for the trial", description="Lawyer for the trial")
    record_staff_donation(campaign=campaign, amount=eur(funded), channel="cash", actor=staff_with_role("finance", "d"))
    return campaign


def pay(campaign, amount: Money, **kw) -> Disbursement:
    return services.record_disbursement(
        need=campaign.needs.first(),
        payee_category="lawyer",
        amount=amount,
        paid_on=DAY,
        public_description="Lawyer's fee",
        actor=kw.pop("actor", None) or staff_with_role("finance", "fin-a"),
        **kw,
    )


def test_need_lines_name_the_need_its_campaign_and_amount_and_are_never_alike() -> None:
    first = family("Help for the K. family", "Aliaksandr K.")
    campaign_services.add_need(
        campaign=first, category="legal_aid", description="Lawyer for the trial", amount=eur("1000")
    )
    labels = [label for _, label in need_choices(first)]
    assert len(labels) == 2 and len(set(labels)) == 2
    assert all("Lawyer for the trial" in label and "Help for the K. family" in label for label in labels)
    assert all("€1,000" in label for label in labels)


def test_the_chooser_lists_each_campaign_with_its_beneficiary_pseudonym_and_balance() -> None:
    family("Help for the K. family", "Aliaksandr K.", funded="1000")
    family("Help for the M. family", "Maryia M.", funded="250")
    page = verified_client("finance").get(CHOOSER)
    assert page.status_code == 200
    rows = page.content.decode()
    for text in ("Help for the K. family", "Aliaksandr K.", "€1,000", "Help for the M. family", "Maryia M.", "€250"):
        assert text in rows


def test_the_payout_form_of_a_campaign_offers_only_its_own_needs_and_shows_its_balance() -> None:
    mine = family("Help for the K. family", "Aliaksandr K.")
    other = family("Help for the M. family", "Maryia M.", funded="250")
    client = verified_client("finance")
    url = reverse("admin:disbursements_disbursement_record_for", args=[mine.pk])
    page = client.get(url).content.decode()
    assert f'value="{mine.needs.first().pk}"' in page and f'value="{other.needs.first().pk}"' not in page
    assert "Aliaksandr K." in page and "€1,000" in page
    form = {
        "need": other.needs.first().pk,
        "payee_category": "lawyer",
        "amount": "200",
        "currency": "EUR",
        "paid_on": DAY.isoformat(),
        "public_description": "Lawyer's fee",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    assert not Disbursement.objects.exists()
    done = client.post(url, {**form, "need": mine.needs.first().pk})
    assert done.status_code == 302
    payout = Disbursement.objects.get()
    assert payout.campaign == mine and payout.status == DisbursementStatus.POSTED
    assert campaign_totals(other).balance == eur("250") and campaign_totals(mine).balance == eur("800")


def test_a_payout_in_another_currency_records_the_given_rate_and_its_source_and_balances() -> None:
    campaign = family("Help for the K. family", "Aliaksandr K.")
    payout = pay(campaign, Money(Decimal("220"), "BYN"), fx_rate=Decimal("0.28"), fx_source="Bank confirmation 4711")
    assert payout.money == eur("61.60") and payout.paid_money == Money(Decimal("220"), "BYN")
    assert (payout.fx_rate, payout.fx_source) == ("0.28", "Bank confirmation 4711")
    txn = payout.ledger_transaction
    assert (txn.fx_rate, txn.fx_source) == ("0.28", "Bank confirmation 4711")
    for currency in ("EUR", "BYN"):
        assert sum(p.amount_minor for p in Posting.objects.filter(transaction=txn, currency=currency)) == 0
    assert campaign_totals(campaign).balance == eur("938.40")
    entry = AuditEntry.objects.get(action="disbursement.record")
    assert entry.summary["paid"] == "220.00 BYN" and entry.summary["fx_source"] == "Bank confirmation 4711"
    assert verify_ledger().ok


def test_without_a_rate_the_day_s_ecb_reference_rate_is_used_and_named() -> None:
    campaign = family("Help for the K. family", "Aliaksandr K.")
    ExchangeRate.objects.create(day=DAY - dt.timedelta(days=1), currency="USD", per_euro="1.1", source="ECB")
    payout = pay(campaign, Money(Decimal("110"), "USD"))
    assert payout.money == eur("100.00")
    assert payout.fx_source == f"ECB {(DAY - dt.timedelta(days=1)).isoformat()}"
    assert payout.fx_rate == "0.9090909091"  # EUR per USD: 1 / 1.1, to ten places


@pytest.mark.parametrize(
    ("amount", "rate", "source", "error"),
    [
        (Money(Decimal("220"), "BYN"), None, "", NoExchangeRate),
        (Money(Decimal("220"), "BYN"), Decimal("0.28"), "  ", DomainError),
        (Money(Decimal("220"), "BYN"), Decimal("0"), "Bank", DomainError),
        (eur("50"), Decimal("1.2"), "Bank", DomainError),
        (Money(Decimal("5000"), "BYN"), Decimal("0.28"), "Bank", DomainError),  # 1 400 EUR > the 1 000 held
    ],
)
def test_a_foreign_payout_without_a_usable_rate_or_beyond_the_balance_is_refused_and_records_nothing(
    amount, rate, source, error
) -> None:
    campaign = family("Help for the K. family", "Aliaksandr K.")
    with pytest.raises(error):
        pay(campaign, amount, fx_rate=rate, fx_source=source)
    assert not Disbursement.objects.exists()
    assert campaign_totals(campaign).balance == eur("1000")


def test_the_staff_api_records_a_foreign_payout_with_its_rate() -> None:
    from django.test import Client

    campaign = family("Help for the K. family", "Aliaksandr K.")
    finance = staff_token("finance", username="api-fin")
    form = {
        "need": campaign.needs.first().pk,
        "payee_category": "lawyer",
        "amount": "220",
        "currency": "BYN",
        "fx_rate": "0.28",
        "fx_source": "Bank confirmation 4711",
        "paid_on": DAY.isoformat(),
        "public_description": "Lawyer's fee",
    }
    response = Client().post("/api/v1/staff/disbursements", form, headers=finance.headers)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"]["amount"] == "61.60" and body["amount"]["currency"] == "EUR"
    assert body["paid"]["currency"] == "BYN" and body["fx_rate"] == "0.28"
    no_rate_form = {k: v for k, v in form.items() if not k.startswith("fx_")}
    no_rate = Client().post("/api/v1/staff/disbursements", no_rate_form, headers=finance.headers)
    assert no_rate.status_code == 400 and no_rate.json()["error"]["code"] == "no_exchange_rate"
    assert Disbursement.objects.count() == 1


def test_the_accountant_s_payouts_file_shows_what_the_payee_received_and_at_which_rate(tmp_path) -> None:
    import csv

    from solidarity.books.export import write_books
    from solidarity.books.period import Period

    campaign = family("Help for the K. family", "Aliaksandr K.")
    pay(campaign, Money(Decimal("220"), "BYN"), fx_rate=Decimal("0.28"), fx_source="Bank confirmation 4711")
    pay(campaign, eur("50"))
    write_books(period=Period(DAY, DAY), directory=tmp_path)
    with (tmp_path / "payouts.csv").open(newline="", encoding="utf-8") as f:
        rows = sorted(csv.DictReader(f), key=lambda r: r["amount"])
    assert [(r["amount"], r["currency"], r["paid_amount"], r["paid_currency"], r["fx_rate"]) for r in rows] == [
        ("50.00", "EUR", "", "", ""),
        ("61.60", "EUR", "220.00", "BYN", "0.28"),
    ]
    assert rows[1]["fx_source"] == "Bank confirmation 4711"
