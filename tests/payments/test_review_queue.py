"""The review queue: an amount alone never settles a donation; ranked candidates a person
confirms; a wrong match undone by a reversing transaction; lines dismissed in bulk with a reason."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.errors import DomainError, InvalidTransition
from solidarity.core.money import Money
from solidarity.disbursements.services import record_disbursement
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import Donation, DonationStatus
from solidarity.ledger.models import Transaction, TransactionKind
from solidarity.ledger.verification import verify_ledger
from solidarity.payments import review
from solidarity.payments.models import BankLine
from solidarity.payments.reconciliation import import_statement
from solidarity.staff.models import AuditEntry
from tests.factories import active_campaign, staff_with_role
from tests.payments.camt_builder import camt
from tests.staff.role_clients import verified_client

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


def pending(campaign, amount: str = "25", **extra) -> Donation:
    return create_donation_intent(campaign=campaign, amount=eur(amount), channel="bank_transfer", **extra).donation


def one_line(entry: dict, actor=None) -> BankLine:
    import_statement(data=camt([{"day": TODAY.isoformat(), **entry}], msg=entry.get("msg", "Q1")), actor=actor)
    return BankLine.objects.order_by("-pk").first()


def test_candidates_are_same_amount_and_currency_ranked_by_the_payers_words(staff_user) -> None:
    sergei = active_campaign(slug="sergei-lawyer", title="Lawyer for Sergei")
    olga = active_campaign(slug="olga-parcels", title="Parcels for Olga")
    for_olga = pending(olga, "40")
    for_sergei = pending(sergei, "40")
    pending(sergei, "41")  # another amount: never a candidate
    line = one_line({"amount": "40.00", "text": "for Sergei, good luck", "payer": "Anna K"}, staff_user)
    assert line.state == "unmatched"
    candidates = review.line_candidates(line)
    assert [c.donation for c in candidates] == [for_sergei, for_olga]
    assert candidates[0].shared_words == ("sergei",)
    assert Donation.objects.get(pk=for_sergei.pk).status == DonationStatus.PENDING


def test_a_donation_older_than_the_transfer_window_is_no_candidate(campaign, staff_user, settings) -> None:
    old = pending(campaign, "40")
    Donation.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=45))
    settings.SOLIDARITY_BANK_TRANSFER_DAYS = 30
    line = one_line({"amount": "40.00", "text": "gift"}, staff_user)
    assert review.line_candidates(line) == []


def test_a_person_confirms_a_candidate_and_a_second_confirmation_changes_nothing(campaign, staff_user) -> None:
    donation = pending(campaign, "40")
    line = one_line({"amount": "40.00", "text": "gift"}, staff_user)
    review.confirm_candidate(line=line, donation=donation, actor=staff_user)
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PAID and campaign_totals(campaign).collected == eur("40")
    transactions = Transaction.objects.count()
    with translation.override("ru"), pytest.raises(InvalidTransition) as second:
        review.confirm_candidate(line=line, donation=donation, actor=staff_user)
    assert "уже" in str(second.value)
    assert Transaction.objects.count() == transactions
    assert AuditEntry.objects.filter(action="payments.confirm_candidate").count() == 1


def test_a_donation_of_another_amount_cannot_be_confirmed(campaign, staff_user) -> None:
    other = pending(campaign, "41")
    line = one_line({"amount": "40.00", "text": "gift"}, staff_user)
    with pytest.raises(DomainError):
        review.confirm_candidate(line=line, donation=other, actor=staff_user)
    assert BankLine.objects.get(pk=line.pk).state == "unmatched"
    assert Donation.objects.get(pk=other.pk).status == DonationStatus.PENDING


def test_a_wrong_match_is_undone_by_a_reversal_and_both_go_back(campaign, staff_user) -> None:
    wrong, right = pending(campaign, "40"), pending(campaign, "40")
    line = one_line({"amount": "40.00", "text": "gift"}, staff_user)
    review.confirm_candidate(line=line, donation=wrong, actor=staff_user)
    review.undo_line_match(line=line, actor=staff_user, reason="the donor wrote to say it was for the other one")
    wrong.refresh_from_db()
    line.refresh_from_db()
    assert wrong.status == DonationStatus.PENDING and wrong.ledger_transaction is None
    assert line.state == "unmatched" and "match undone" in line.note
    assert campaign_totals(campaign).collected == eur("0")
    assert Transaction.objects.filter(kind=TransactionKind.REVERSAL).count() == 1
    assert AuditEntry.objects.filter(action="payments.undo_line_match").exists()
    assert AuditEntry.objects.filter(action="donation.undo_bank_match", target_id=str(wrong.pk)).exists()
    # The line can now pay the right one, and even the first one again later.
    review.confirm_candidate(line=line, donation=right, actor=staff_user)
    assert campaign_totals(campaign).collected == eur("40")
    review.undo_line_match(line=line, actor=staff_user, reason="no, it was the first after all")
    review.confirm_candidate(line=BankLine.objects.get(pk=line.pk), donation=wrong, actor=staff_user)
    assert Donation.objects.get(pk=wrong.pk).status == DonationStatus.PAID
    assert campaign_totals(campaign).collected == eur("40")
    assert verify_ledger().ok


def test_undo_needs_a_reason_and_a_matched_line(campaign, staff_user) -> None:
    donation = pending(campaign, "40")
    line = one_line({"amount": "40.00", "text": donation.bank_reference}, staff_user)
    with pytest.raises(DomainError):
        review.undo_line_match(line=line, actor=staff_user, reason="  ")
    waiting = one_line({"amount": "12.00", "text": "gift", "msg": "Q2"}, staff_user)
    with pytest.raises(InvalidTransition):
        review.undo_line_match(line=waiting, actor=staff_user, reason="oops")
    review.undo_line_match(line=line, actor=staff_user, reason="oops")
    with pytest.raises(InvalidTransition):  # a second undo
        review.undo_line_match(line=line, actor=staff_user, reason="oops")
    assert Transaction.objects.filter(kind=TransactionKind.REVERSAL).count() == 1


def test_undo_is_refused_when_the_money_was_paid_out_since(staff_user) -> None:
    campaign = active_campaign(slug="spent", goal="40")
    donation = pending(campaign, "40")
    line = one_line({"amount": "40.00", "text": donation.bank_reference}, staff_user)
    need = campaign.needs.first()
    record_disbursement(
        need=need,
        payee_category="lawyer",
        amount=eur("40"),
        paid_on=TODAY,
        public_description="Lawyer",
        actor=staff_with_role("finance"),
    )
    transactions = Transaction.objects.count()
    with pytest.raises(InvalidTransition):
        review.undo_line_match(line=line, actor=staff_user, reason="wrong family")
    assert Transaction.objects.count() == transactions
    assert BankLine.objects.get(pk=line.pk).state == "matched"


def test_lines_are_dismissed_in_bulk_with_one_reason(staff_user) -> None:
    import_statement(
        data=camt([{"amount": "1.00", "text": "interest"}, {"amount": "2.00", "text": "fee refund"}]), actor=staff_user
    )
    lines = list(BankLine.objects.all())
    with pytest.raises(DomainError):
        review.dismiss_lines(lines=lines, actor=staff_user, reason="")
    assert review.dismiss_lines(lines=lines, actor=staff_user, reason="bank interest and fees") == 2
    assert {(line.state, line.note, line.payer_name) for line in BankLine.objects.all()} == {
        ("ignored", "bank interest and fees", "")
    }
    with pytest.raises(InvalidTransition):
        review.dismiss_lines(lines=lines, actor=staff_user, reason="again")


def test_back_office_confirm_undo_and_bulk_dismiss(campaign) -> None:
    finance = verified_client("finance")
    donation = pending(campaign, "40", public_name="Anna")
    line = one_line({"amount": "40.00", "text": "from Anna", "payer": "Anna K"})
    other = one_line({"amount": "3.00", "text": "interest", "msg": "Q2"})
    page = finance.get(f"/staff/payments/bankline/{line.pk}/resolve/")
    assert page.status_code == 200 and f"#{donation.pk}" in page.content.decode()
    assert "anna" in page.content.decode()  # the shared word is shown
    confirmed = finance.post(f"/staff/payments/bankline/{line.pk}/resolve/", {"candidate": str(donation.pk)})
    assert confirmed.status_code == 302
    again = finance.post(f"/staff/payments/bankline/{line.pk}/resolve/", {"candidate": str(donation.pk)})
    assert again.status_code == 200 and "not waiting for review" in again.content.decode()
    assert finance.get(f"/staff/payments/bankline/{line.pk}/change/").content.decode().count("undo-match") == 1
    undone = finance.post(f"/staff/payments/bankline/{line.pk}/undo/", {"reason": "wrong donor"})
    assert undone.status_code == 302
    assert Donation.objects.get(pk=donation.pk).status == DonationStatus.PENDING
    action = {"action": "dismiss_selected", "_selected_action": [str(line.pk), str(other.pk)]}
    confirm_page = finance.post("/staff/payments/bankline/", action)
    assert confirm_page.status_code == 200 and BankLine.objects.filter(state="unmatched").count() == 2
    finance.post("/staff/payments/bankline/", {**action, "confirm": "1", "reason": "test transfers"})
    assert BankLine.objects.filter(state="ignored", note="test transfers").count() == 2


def test_staff_api_lists_candidates_confirms_undoes_and_dismisses(client: Client, campaign) -> None:
    from tests.api.conftest import staff_token

    finance = staff_token("finance")
    donation = pending(campaign, "40")
    line = one_line({"amount": "40.00", "text": "gift"})
    base = f"/api/v1/staff/bank-lines/{line.pk}"
    listed = client.get(f"{base}/candidates", headers=finance.headers)
    assert listed.status_code == 200 and [c["donation"] for c in listed.json()] == [donation.pk]
    body = {"donation": donation.pk}
    confirmed = client.post(f"{base}/confirm", body, content_type="application/json", headers=finance.headers)
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "matched"
    twice = client.post(f"{base}/confirm", body, content_type="application/json", headers=finance.headers)
    assert twice.status_code == 409
    undone = client.post(f"{base}/undo", {"reason": "wrong"}, content_type="application/json", headers=finance.headers)
    assert undone.status_code == 200 and undone.json()["state"] == "unmatched"
    assert Donation.objects.get(pk=donation.pk).status == DonationStatus.PENDING
    dismissed = client.post(
        "/api/v1/staff/bank-lines/dismiss",
        {"lines": [line.pk], "reason": "test transfer"},
        content_type="application/json",
        headers=finance.headers,
    )
    assert dismissed.status_code == 200 and dismissed.json() == {"dismissed": 1}
