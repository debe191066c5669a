"""Every figure of the exported books reconciles with the ledger, for random money.

The expected figures are summed here, in Python, straight from every posting of the
ledger — not with the export's own queries — and each file is compared with them.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from solidarity.campaigns.funds import campaign_owner, campaign_totals
from solidarity.campaigns.models import Campaign
from solidarity.core.money import Money
from solidarity.disbursements.models import Disbursement
from solidarity.ledger.models import Posting, Transaction
from solidarity.ledger.verification import verify_ledger
from solidarity.payments.models import BankLine
from tests.books.scenario import DAYS, run_scenario

pytestmark = pytest.mark.django_db
RECEIVED = {"donation", "fx"}
RETURNED = {"refund", "chargeback"}
FILES = {"donations.csv", "refunds.csv", "payouts.csv", "fees.csv", "bank_lines.csv", "balances.csv"}


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def minor(text: str, currency: str) -> int:
    return Money(Decimal(text), currency).minor


def sums(rows: list[dict[str, str]], amount: str, currency: str, key: str = "campaign") -> dict[tuple[str, str], int]:
    total: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        total[(row[key], row[currency])] += minor(row[amount], row[currency])
    return {k: v for k, v in total.items() if v}


class Ledger:
    """Every posting, with what the checks need: summed here, independently of the export."""

    def __init__(self) -> None:
        slugs = {campaign_owner(pk): slug for pk, slug in Campaign.objects.values_list("pk", "slug")}
        self.rows = [
            {
                "txn": txn,
                "kind": kind,
                "reverses": reverses or "",
                "owner": slugs.get(owner, owner),
                "account_owner": slugs.get(account_owner, account_owner),
                "day": day,
                "purpose": purpose,
                "currency": currency,
                "amount": amount,
            }
            for txn, kind, reverses, owner, account_owner, day, purpose, currency, amount in Posting.objects.values_list(
                "transaction_id",
                "transaction__kind",
                "transaction__reverses__kind",
                "transaction__owner",
                "account__owner",
                "transaction__occurred_on",
                "account__purpose",
                "currency",
                "amount_minor",
            )
        ]

    def fund(self, start: dt.date | None, end: dt.date, test=lambda p: True) -> dict[tuple[str, str], int]:
        total: dict[tuple[str, str], int] = defaultdict(int)
        for p in self.rows:
            if p["purpose"] == "campaign_fund" and (start is None or p["day"] >= start) and p["day"] <= end and test(p):
                total[(p["account_owner"], p["currency"])] += p["amount"]
        return {k: v for k, v in total.items() if v}


def export(tmp_path: Path, start: dt.date, end: dt.date) -> Path:
    out = tmp_path / f"{start}-{end}"
    call_command("export_books", "--from", start.isoformat(), "--to", end.isoformat(), "--out", str(out))
    assert {p.name for p in out.iterdir()} == FILES
    return out


def check_period(folder: Path, ledger: Ledger, start: dt.date, end: dt.date) -> None:
    def negate(d: dict[tuple[str, str], int]) -> dict[tuple[str, str], int]:
        return {k: -v for k, v in d.items()}

    received = negate(ledger.fund(start, end, lambda p: p["kind"] in RECEIVED))
    refunded = ledger.fund(
        start,
        end,
        lambda p: p["kind"] in RETURNED or (p["kind"] == "reversal" and p["reverses"] in RECEIVED | RETURNED),
    )
    paid_out = ledger.fund(start, end, lambda p: "disbursement" in (p["kind"], p["reverses"]))
    disputed = ledger.fund(start, end, lambda p: "dispute" in (p["kind"], p["reverses"]))
    other = negate(ledger.fund(start, end, lambda p: "adjustment" in (p["kind"], p["reverses"])))
    opening = negate(ledger.fund(None, start - dt.timedelta(days=1)))
    closing = negate(ledger.fund(None, end))
    fees: dict[tuple[str, str], int] = defaultdict(int)
    for p in ledger.rows:
        if p["purpose"] == "fees" and start <= p["day"] <= end:
            fees[(p["owner"], p["currency"])] += p["amount"]
    fees = {k: v for k, v in fees.items() if v}

    # Each transaction file sums to the ledger's figure, per campaign and currency.
    assert sums(read(folder, "donations.csv"), "amount_campaign_currency", "campaign_currency") == received
    assert sums(read(folder, "refunds.csv"), "amount_campaign_currency", "campaign_currency") == refunded
    assert sums(read(folder, "payouts.csv"), "amount", "currency") == paid_out
    assert sums(read(folder, "fees.csv"), "amount", "currency") == fees

    # The donor's side of donations: what reached the rails plus the fees kept back.
    donor_side: dict[str, int] = defaultdict(int)
    for p in ledger.rows:
        if p["kind"] in RECEIVED and start <= p["day"] <= end and p["purpose"] not in ("campaign_fund", "fx"):
            donor_side[p["currency"]] += p["amount"]
    by_currency: dict[str, int] = defaultdict(int)
    for row in read(folder, "donations.csv"):
        by_currency[row["currency"]] += minor(row["amount"], row["currency"])
    assert {k: v for k, v in by_currency.items() if v} == {k: v for k, v in donor_side.items() if v}

    # balances.csv: every column is the ledger's figure, and the identity holds per row.
    balances = read(folder, "balances.csv")
    assert len({(r["campaign"], r["currency"]) for r in balances}) == len(balances)
    for row in balances:
        key, cur = (row["campaign"], row["currency"]), row["currency"]
        figure = {c: minor(row[c], cur) for c in row if c not in ("campaign", "currency")}
        assert figure["opening"] == opening.get(key, 0)
        assert figure["received"] == received.get(key, 0)
        assert figure["refunded"] == refunded.get(key, 0)
        assert figure["paid_out"] == paid_out.get(key, 0)
        assert figure["disputed"] == disputed.get(key, 0)
        assert figure["fees"] == fees.get(key, 0)
        assert figure["closing"] == closing.get(key, 0)
        assert figure["other"] == other.get(key, 0)
        assert (
            figure["opening"]
            + figure["received"]
            - figure["refunded"]
            - figure["paid_out"]
            - figure["disputed"]
            + figure["other"]
            == figure["closing"]
        )
    listed = {(r["campaign"], r["currency"]) for r in balances}
    assert set(closing) | set(fees) | set(received) <= listed

    # bank_lines.csv: every line of the period once; a matched line booked exactly its amount
    # in the ledger, through the bank account.
    lines = read(folder, "bank_lines.csv")
    assert len(lines) == BankLine.objects.filter(booking_date__gte=start, booking_date__lte=end).count()
    bank_debits: dict[int, int] = defaultdict(int)
    for p in ledger.rows:
        if p["purpose"] == "bank":
            bank_debits[p["txn"]] += p["amount"]
    for row in lines:
        booked = minor(row["booked"], row["currency"])
        assert booked == sum(bank_debits[int(t)] for t in row["transactions"].split())
        if row["status"] == "matched":
            assert booked == minor(row["amount"], row["currency"])
            assert row["reference"].startswith("RF")
        else:
            assert booked == 0 and not row["donations"]


@pytest.mark.parametrize("seed", [3, 5, 11])
def test_every_file_reconciles_with_the_ledger_for_random_money(seed: int, tmp_path: Path) -> None:
    scenario = run_scenario(seed)
    assert verify_ledger().ok
    ledger = Ledger()
    today = scenario.today
    periods = [
        (today - dt.timedelta(days=DAYS), today),  # everything
        (today - dt.timedelta(days=14), today - dt.timedelta(days=7)),  # a week in the middle
        (today, today),  # the day reversals and disputes are booked
    ]
    for start, end in periods:
        folder = export(tmp_path, start, end)
        check_period(folder, ledger, start, end)
        text = "".join((folder / name).read_text() for name in FILES)
        for secret in scenario.payer_texts:
            assert secret not in text
    # Up to today, closing is the balance every page shows.
    closing = {
        (r["campaign"], r["currency"]): minor(r["closing"], r["currency"])
        for r in read(tmp_path / f"{periods[0][0]}-{today}", "balances.csv")
    }
    for campaign in scenario.campaigns:
        assert closing[(campaign.slug, campaign.currency)] == campaign_totals(campaign).balance.minor


@pytest.mark.parametrize("seed", [3, 5, 11])
def test_the_scenario_moves_money_of_every_kind(seed: int) -> None:
    run_scenario(seed)
    kinds = set(Transaction.objects.values_list("kind", flat=True))
    assert {"donation", "refund", "chargeback", "dispute", "disbursement", "reversal", "adjustment"} <= kinds
    assert Transaction.objects.filter(kind="donation").exclude(fx_rate="").exists()
    assert Transaction.objects.filter(kind="reversal", reverses__kind="donation").exists()
    assert Transaction.objects.filter(kind="reversal", reverses__kind="disbursement").exists()
    assert Disbursement.objects.filter(approved_by__isnull=False).exists()
    assert BankLine.objects.filter(state="matched").exists()
    assert BankLine.objects.filter(state="unmatched").exists()
