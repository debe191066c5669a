"""Bank statement import: matching by reference and amount, the review queue, exactly-once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import Donation, DonationStatus
from solidarity.donations.references import format_reference
from solidarity.ledger.models import Transaction
from solidarity.ledger.verification import verify_ledger
from solidarity.payments import reconciliation
from solidarity.payments.models import BankLine, ImportedStatement
from solidarity.payments.review import line_candidates
from solidarity.payments.statements import StatementError
from tests.payments.camt_builder import camt
from tests.payments.statement_files import accounts_of

pytestmark = pytest.mark.django_db
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "statements"
TODAY = timezone.localdate().isoformat()


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def pending(campaign, amount: str = "25") -> Donation:
    return create_donation_intent(campaign=campaign, amount=eur(amount), channel="bank_transfer").donation


def run(entries, staff_user, msg="S1"):
    return reconciliation.import_statement(data=camt(entries, msg=msg), actor=staff_user)


@pytest.mark.parametrize(
    "written",
    [
        lambda ref: ref,
        lambda ref: format_reference(ref),
        lambda ref: format_reference(ref).lower(),
        lambda ref: ref[2:],  # "RF" left out
        lambda ref: f"Donation for Sergei {format_reference(ref)[:9]}\n{format_reference(ref)[10:]} thank you",
    ],
    ids=["compact", "grouped", "lowercase", "no-prefix", "in-text-across-lines"],
)
def test_reference_is_found_however_it_was_typed(campaign, staff_user, written) -> None:
    donation = pending(campaign)
    summary = run([{"amount": "25.00", "text": written(donation.bank_reference)}], staff_user)
    assert summary.matched == 1
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PAID
    assert campaign_totals(campaign).collected == eur("25")


def test_matched_line_forgets_the_payer(campaign, staff_user) -> None:
    donation = pending(campaign)
    run([{"amount": "25.00", "text": donation.bank_reference, "payer": "Ivan Donorov"}], staff_user)
    line = BankLine.objects.get()
    assert line.state == "matched"
    assert (line.payer_name, line.payer_account, line.remittance) == ("", "", "")
    assert "Donorov" not in str(BankLine.objects.values().get())


@pytest.mark.parametrize(("paid", "expected"), [("10.00", "10"), ("40.00", "40")], ids=["underpaid", "overpaid"])
def test_partial_and_over_payment_count_what_arrived(campaign, staff_user, paid, expected) -> None:
    donation = pending(campaign, "25")
    run([{"amount": paid, "text": donation.bank_reference}], staff_user)
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PAID and donation.money == eur(expected)
    assert campaign_totals(campaign).collected == eur(expected)


def test_one_transfer_paying_two_donations(campaign, staff_user) -> None:
    first, second = pending(campaign, "25"), pending(campaign, "15")
    run([{"amount": "40.00", "text": f"{first.bank_reference} and {second.bank_reference}"}], staff_user)
    assert campaign_totals(campaign).collected == eur("40")
    assert campaign_totals(campaign).donations == 2
    assert BankLine.objects.get().allocations.count() == 2


def test_two_references_that_do_not_add_up_wait_for_review(campaign, staff_user) -> None:
    first, second = pending(campaign, "25"), pending(campaign, "15")
    summary = run([{"amount": "30.00", "text": f"{first.bank_reference} {second.bank_reference}"}], staff_user)
    assert summary.unmatched == 1 and "do not add up" in BankLine.objects.get().note


def test_without_reference_an_amount_alone_never_settles_a_donation(campaign, staff_user) -> None:
    donation = pending(campaign, "37.50")
    summary = run([{"amount": "37.50", "text": "for the prisoners", "day": TODAY}], staff_user)
    assert summary.matched == 0 and summary.unmatched == 1
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING
    assert [c.donation for c in line_candidates(BankLine.objects.get())] == [donation]


def test_ambiguous_amount_waits_for_review_and_staff_match_it(campaign, staff_user) -> None:
    one, _two = pending(campaign, "20"), pending(campaign, "20")
    summary = run([{"amount": "20.00", "text": "solidarity", "day": TODAY}], staff_user)
    assert summary.unmatched == 1
    line = BankLine.objects.get()
    assert line.payer_name == "Ivan Donorov"  # kept while staff need it
    reconciliation.match_line_to_donation(line=line, reference=format_reference(one.bank_reference), actor=staff_user)
    line.refresh_from_db()
    assert line.state == "matched" and line.payer_name == ""
    with pytest.raises(DomainError):
        reconciliation.match_line_to_donation(line=line, reference=one.bank_reference, actor=staff_user)


def test_review_queue_can_record_a_new_donation_or_ignore(campaign, staff_user) -> None:
    run([{"amount": "12.00", "text": "from grandma"}, {"amount": "500.00", "text": "grant from partner"}], staff_user)
    gift, grant = BankLine.objects.order_by("amount_minor")
    reconciliation.record_line_as_donation(line=gift, campaign=campaign, actor=staff_user)
    with pytest.raises(DomainError):
        reconciliation.ignore_line(line=grant, actor=staff_user, note=" ")
    reconciliation.ignore_line(line=grant, actor=staff_user, note="partner grant, booked separately")
    assert campaign_totals(campaign).collected == eur("12")
    assert BankLine.objects.filter(state="unmatched").count() == 0


def test_reimport_and_overlapping_statement_change_nothing(campaign, staff_user) -> None:
    donation = pending(campaign)
    entries = [
        {"amount": "25.00", "text": donation.bank_reference},
        {"amount": "5.00", "direction": "DBIT", "text": "bank fee"},
    ]
    run(entries, staff_user, msg="A")
    again = run(entries, staff_user, msg="A")
    assert (again.duplicate, again.new) == (2, 0)
    overlapping = run([*entries, {"amount": "7.00", "text": "new one"}], staff_user, msg="B")
    assert (overlapping.duplicate, overlapping.new) == (2, 1)
    assert Transaction.objects.filter(kind="donation").count() == 1
    assert verify_ledger().ok


def test_malformed_statement_records_nothing(staff_user) -> None:
    with pytest.raises(StatementError):
        reconciliation.import_statement(data=camt([{"amount": "1.00"}])[:-40], actor=staff_user)
    assert not ImportedStatement.objects.exists() and not BankLine.objects.exists()


def test_foreign_currency_transfer_is_converted(campaign, staff_user) -> None:
    from solidarity.rates.models import ExchangeRate

    ExchangeRate.objects.create(day=dt.date(2026, 11, 20), currency="USD", per_euro="1.25")
    donation = pending(campaign, "25")
    run([{"amount": "50.00", "currency": "USD", "text": donation.bank_reference}], staff_user)
    assert campaign_totals(campaign).collected == eur("40")
    assert verify_ledger().ok


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/fixtures is not beside the project")
def test_every_shared_statement_imports_and_a_second_import_is_all_duplicates(staff_user, capsys, settings) -> None:
    files = sorted(str(p) for p in (SHARED / "camt053").iterdir()) + sorted(
        str(p) for p in (SHARED / "mt940").iterdir()
    )
    settings.SOLIDARITY_OWN_ACCOUNTS = accounts_of([Path(f) for f in files])  # as if they were all ours
    call_command("import_statement", *files)
    first = capsys.readouterr().out
    total = sum(s.lines_total for s in ImportedStatement.objects.all())
    assert total == BankLine.objects.count() > 150
    call_command("import_statement", *files)
    second = capsys.readouterr().out
    assert first.count("already imported") == len(files)
    for line in second.splitlines():
        if ": " in line and "lines" in line:
            lines = int(line.split(": ")[1].split(" lines")[0])
            assert f"{lines} already imported" in line
    assert BankLine.objects.count() == total
    assert verify_ledger().ok


@pytest.mark.skipif(not SHARED.exists(), reason="../shared/fixtures is not beside the project")
def test_a_folder_imports_its_statements_and_skips_other_files(staff_user, capsys, settings) -> None:
    statements = [p for kind in ("camt053", "mt940") for p in (SHARED / kind).iterdir() if p.is_file()]
    settings.SOLIDARITY_OWN_ACCOUNTS = accounts_of(statements)  # as if they were all ours
    call_command("import_statement", str(SHARED))
    out = capsys.readouterr().out
    skipped = {line.split(": ")[0] for line in out.splitlines() if line.endswith("skipped, not a bank statement")}
    assert skipped == {str(SHARED / "README.md"), str(SHARED / "ecb" / "xpt-nl_eurofxref-daily.xml")}
    assert ImportedStatement.objects.count() == len(statements)
    lines = BankLine.objects.count()
    call_command("import_statement", str(SHARED))
    assert capsys.readouterr().out.count(" already imported") == len(statements)
    assert BankLine.objects.count() == lines
    second = ImportedStatement.objects.order_by("-id")[: len(statements)]
    assert all(s.lines_new == 0 and s.lines_duplicate == s.lines_total for s in second)
