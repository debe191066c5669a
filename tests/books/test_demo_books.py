"""The demo check of the books: on the demo data, `export_books` writes the six files and
the seed campaign closes at 25.00 EUR, its balance on every page."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from solidarity.campaigns.funds import campaign_totals
from solidarity.campaigns.models import Campaign

pytestmark = pytest.mark.django_db
FILES = {"donations.csv", "refunds.csv", "payouts.csv", "fees.csv", "bank_lines.csv", "balances.csv"}


def test_the_demo_books_give_the_seed_campaign_a_closing_balance_of_25_eur(tmp_path: Path, capsys) -> None:
    call_command("load_demo")
    today = timezone.localdate().isoformat()
    call_command("export_books", "--from", "2000-01-01", "--to", today, "--out", str(tmp_path))
    out = capsys.readouterr()
    assert {p.name for p in tmp_path.iterdir()} == FILES
    assert "100%" in out.err  # the progress bar ran to the end
    with (tmp_path / "balances.csv").open(newline="") as f:
        rows = {(r["campaign"], r["currency"]): r for r in csv.DictReader(f)}
    seed = rows[("sergei-sakovets", "EUR")]
    assert seed["closing"] == "25.00"
    assert seed["opening"] == "0.00"
    assert seed["received"] == "1125.00"
    assert seed["paid_out"] == "1100.00"
    assert str(campaign_totals(Campaign.objects.get(slug="sergei-sakovets")).balance.amount) == seed["closing"]


def test_a_period_that_ends_before_it_starts_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="after it ends"):
        call_command("export_books", "--from", "2026-02-01", "--to", "2026-01-31", "--out", str(tmp_path))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("export_books", "--from", "1.1.2026", "--to", "2026-01-31", "--out", str(tmp_path))
    assert not any(tmp_path.iterdir())
