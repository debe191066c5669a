"""The seed campaign from the original page, loaded as the demo data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client

from solidarity.campaigns.funds import campaign_totals
from solidarity.campaigns.models import Campaign
from solidarity.core.money import Money
from solidarity.ledger.verification import verify_ledger

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys) -> str:
    call_command("load_demo")
    return capsys.readouterr().out


def test_demo_prints_a_staff_login(demo) -> None:
    assert "Staff login: admin / " in demo


def test_seed_campaign_is_closed_with_1125_eur_from_the_ledger(demo) -> None:
    seed = Campaign.objects.get(slug="sergei-sakovets")
    assert seed.status == "reported"  # closed, and its spending published
    assert seed.goal == Money(Decimal(1100), "EUR")
    assert {n.category for n in seed.needs.all()} == {"loan_repayment", "legal_aid", "prison_transfers"}
    assert campaign_totals(seed).collected == Money(Decimal(1125), "EUR")
    assert verify_ledger().ok


def test_seed_page_in_english_says_the_collection_is_over(demo) -> None:
    html = Client().get("/en/campaigns/sergei-sakovets/").content.decode()
    assert "The collection is over." in html
    assert "€1,125" in html
    assert "Article 342" in html
    assert "Pre-trial detention centre No. 1" in html


def test_seed_page_in_russian_is_in_russian(demo) -> None:
    html = Client().get("/ru/campaigns/sergei-sakovets/").content.decode()
    assert "Помощь политзаключённому Сергею Саковцу" in html
    assert "Сбор завершён." in html
    assert "1\u00a0125\u00a0€" in html
    assert 'lang="ru"' in html


def test_there_are_active_campaigns_in_eur_usd_and_pln(demo) -> None:
    active = Campaign.objects.filter(status="active")
    assert {c.currency for c in active} >= {"EUR", "USD", "PLN"}


def test_loading_twice_changes_nothing(demo, capsys) -> None:
    before = campaign_totals(Campaign.objects.get(slug="sergei-sakovets"))
    call_command("load_demo")
    assert "none (already loaded)" in capsys.readouterr().out
    assert campaign_totals(Campaign.objects.get(slug="sergei-sakovets")) == before
