"""Payouts: four eyes above the threshold, never beyond the balance, exact ledger."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from PIL import Image

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.errors import DomainError, InsufficientFunds, InvalidTransition, NotAllowed
from solidarity.core.money import Money
from solidarity.core.uploads import UploadRefused, open_bytes
from solidarity.disbursements import services
from solidarity.disbursements.models import Disbursement, DisbursementStatus
from solidarity.disbursements.selectors import needs_progress, spent_by_category
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Transaction, TransactionKind
from solidarity.ledger.verification import verify_ledger
from tests.factories import UserFactory, staff_with_role

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


def eur(amount: str) -> Money:
    return Money(Decimal(amount), "EUR")


@pytest.fixture
def funded(campaign, staff_user):
    record_staff_donation(campaign=campaign, amount=eur("1000"), channel="bank_transfer", actor=staff_user)
    return campaign


@pytest.fixture
def finance():
    return staff_with_role("finance", "fin-a")


@pytest.fixture
def second():
    return staff_with_role("finance", "fin-b")


def pay(campaign, actor, amount: str, **kw):
    return services.record_disbursement(
        need=campaign.needs.first(),
        payee_category=kw.pop("payee", "lawyer"),
        amount=eur(amount),
        paid_on=DAY,
        public_description="Lawyer's fee for the appeal",
        actor=actor,
        **kw,
    )


def test_small_payout_posts_at_once_and_the_need_shows_paid(funded, finance) -> None:
    d = pay(funded, finance, "200")
    assert d.status == DisbursementStatus.POSTED
    totals = campaign_totals(funded)
    assert totals.collected == eur("1000") and totals.balance == eur("800") and totals.spent == eur("200")
    progress = needs_progress(funded)[0]
    assert progress.paid == eur("200") and progress.state == "partly_paid"
    assert spent_by_category(funded)[0][0] == "legal_aid"
    assert verify_ledger().ok


def test_large_payout_waits_for_a_different_person(funded, finance, second) -> None:
    d = pay(funded, finance, "500")
    assert d.status == DisbursementStatus.AWAITING_APPROVAL
    assert campaign_totals(funded).balance == eur("1000")
    with pytest.raises(NotAllowed, match="Four eyes"):
        services.approve_disbursement(disbursement=d, actor=finance)
    services.approve_disbursement(disbursement=d, actor=second)
    d.refresh_from_db()
    assert d.status == DisbursementStatus.POSTED and d.approved_by == second
    assert campaign_totals(funded).balance == eur("500")


def test_four_eyes_holds_for_a_superuser_and_for_one_person_with_two_roles(funded) -> None:
    boss = UserFactory(username="boss", is_superuser=True)
    d = pay(funded, boss, "500")
    with pytest.raises(NotAllowed):
        services.approve_disbursement(disbursement=d, actor=boss)
    both = staff_with_role("finance", "two-hats")
    from django.contrib.auth.models import Group

    both.groups.add(Group.objects.get(name="admin"))
    d2 = pay(funded, both, "400")
    with pytest.raises(NotAllowed):
        services.approve_disbursement(disbursement=d2, actor=both)
    assert Transaction.objects.filter(kind=TransactionKind.DISBURSEMENT).count() == 0


def test_a_payout_beyond_the_balance_is_refused_with_a_clear_error(funded, finance) -> None:
    with pytest.raises(InsufficientFunds, match=r"below zero: it holds 1000\.00 EUR"):
        pay(funded, finance, "1000.01")
    assert not Disbursement.objects.exists()
    assert campaign_totals(funded).balance == eur("1000")


def test_there_is_no_overdraft_even_with_a_second_approval(funded, finance, second) -> None:
    with pytest.raises(TypeError):
        pay(funded, finance, "1200", overdraft=True)  # the option is gone
    with pytest.raises(InsufficientFunds):
        pay(funded, finance, "1200")
    assert campaign_totals(funded).balance == eur("1000")


def test_an_approved_payout_is_refused_when_the_fund_was_spent_meanwhile(funded, finance, second) -> None:
    big = pay(funded, finance, "800")  # above the threshold: waits for approval
    small = pay(funded, finance, "100")
    other = pay(funded, second, "700")
    services.approve_disbursement(disbursement=other, actor=finance)
    with pytest.raises(InsufficientFunds, match=r"holds 200\.00 EUR"):
        services.approve_disbursement(disbursement=big, actor=second)
    big.refresh_from_db()
    assert big.status == DisbursementStatus.AWAITING_APPROVAL
    assert small.status == DisbursementStatus.POSTED
    assert campaign_totals(funded).balance == eur("200")
    assert verify_ledger().ok


def test_editor_cannot_pay_out(funded) -> None:
    with pytest.raises(NotAllowed):
        pay(funded, staff_with_role("editor"), "10")


def test_void_before_posting_and_reverse_after(funded, finance, second) -> None:
    waiting = pay(funded, finance, "500")
    services.void_disbursement(disbursement=waiting, actor=finance, reason="wrong lawyer")
    with pytest.raises(InvalidTransition):
        services.approve_disbursement(disbursement=waiting, actor=second)
    posted = pay(funded, finance, "100")
    with pytest.raises(InvalidTransition):
        services.void_disbursement(disbursement=posted, actor=finance, reason="x")
    services.reverse_disbursement(disbursement=posted, actor=finance, reason="the bank returned it")
    assert campaign_totals(funded).balance == eur("1000")
    assert needs_progress(funded)[0].paid == eur("0")
    assert verify_ledger().ok


def test_bad_input_changes_nothing(funded, finance) -> None:
    with pytest.raises(DomainError):
        services.record_disbursement(
            need=funded.needs.first(),
            payee_category="lawyer",
            amount=Money(Decimal(5), "USD"),
            paid_on=DAY,
            public_description="x",
            actor=finance,
        )
    with pytest.raises(DomainError):
        pay(funded, finance, "0")
    with pytest.raises(DomainError):
        pay(funded, finance, "5", payee="astrologer")
    with pytest.raises(UploadRefused):
        pay(funded, finance, "5", proofs=[b"<html><script>alert(1)</script></html>"])
    assert not Disbursement.objects.exists()


def test_proofs_are_encrypted_and_images_lose_their_metadata(funded, finance) -> None:
    image = Image.new("RGB", (40, 30), "white")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    d = pay(funded, finance, "50", proofs=[buffer.getvalue(), b"%PDF-1.4 receipt from the bank"])
    jpeg, pdf = d.proofs.order_by("name")
    assert b"SecretCam" not in open_bytes(jpeg.sealed_data)
    assert "receipt from the bank" not in pdf.sealed_data
    assert open_bytes(pdf.sealed_data) == b"%PDF-1.4 receipt from the bank"
    assert jpeg.name == "proof-1.jpg"
