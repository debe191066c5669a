"""Payouts: four eyes above the threshold, never beyond the balance, exact ledger."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation
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
from solidarity.staff.models import AuditEntry
from tests.factories import UserFactory, staff_with_role
from tests.helprequests.samples import PDF_AUTHOR, pdf_document

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


def test_a_void_asked_for_by_mistake_is_rejected_and_the_payout_can_be_approved(funded, finance, second) -> None:
    waiting = pay(funded, finance, "500")
    services.request_void(disbursement=waiting, actor=second, reason="oops")
    services.reject_void(disbursement=waiting, actor=second)
    services.approve_disbursement(disbursement=waiting, actor=second)
    assert campaign_totals(funded).balance == eur("500")


def test_editor_cannot_pay_out(funded) -> None:
    with pytest.raises(NotAllowed):
        pay(funded, staff_with_role("editor"), "10")


def test_void_before_posting_and_reverse_after(funded, finance, second) -> None:
    waiting = pay(funded, finance, "500")
    services.request_void(disbursement=waiting, actor=finance, reason="wrong lawyer")
    with pytest.raises(InvalidTransition, match="void of this payout was asked for"):
        services.approve_disbursement(disbursement=waiting, actor=second)
    with pytest.raises(NotAllowed, match="Four eyes"):
        services.approve_void(disbursement=waiting, actor=finance)
    services.approve_void(disbursement=waiting, actor=second)
    waiting.refresh_from_db()
    assert waiting.status == DisbursementStatus.VOIDED and waiting.void_approved_by == second
    with pytest.raises(InvalidTransition):
        services.approve_disbursement(disbursement=waiting, actor=second)
    with pytest.raises(InvalidTransition):
        services.approve_void(disbursement=waiting, actor=second)
    assert AuditEntry.objects.filter(action="disbursement.void", summary__reason="wrong lawyer").exists()
    posted = pay(funded, finance, "100")
    with pytest.raises(InvalidTransition):
        services.request_void(disbursement=posted, actor=finance, reason="x")
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
    receipt = pdf_document("receipt from the bank", metadata=True)
    d = pay(funded, finance, "50", proofs=[buffer.getvalue(), receipt])
    jpeg, pdf = d.proofs.order_by("name")
    assert b"SecretCam" not in open_bytes(jpeg.sealed_data)
    assert "receipt from the bank" not in pdf.sealed_data
    assert PDF_AUTHOR.encode() not in open_bytes(pdf.sealed_data)
    assert jpeg.name == "proof-1.jpg"


def _office(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    office = Client(HTTP_HOST="127.0.0.1")
    office.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = office.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return office


def test_approving_payouts_in_bulk_shows_a_confirmation_page_first(funded, finance, second) -> None:
    d = pay(funded, finance, "400")
    office = _office(second)
    picked = {"action": "approve_selected", "_selected_action": [d.pk]}
    page = office.post("/staff/disbursements/disbursement/", picked)
    html = page.content.decode()
    assert page.status_code == 200 and funded.title in html and "600.00" in html  # the balance after
    d.refresh_from_db()
    assert d.status == DisbursementStatus.AWAITING_APPROVAL  # nothing moved yet
    office.post("/staff/disbursements/disbursement/", {**picked, "confirm": "yes"})
    d.refresh_from_db()
    assert d.status == DisbursementStatus.POSTED
    assert campaign_totals(funded).balance == eur("600")


def test_voiding_in_the_back_office_takes_a_request_with_a_reason_and_another_persons_approval(
    funded, finance, second
) -> None:
    d = pay(funded, finance, "400")
    picked = {"_selected_action": [d.pk], "confirm": "yes"}
    _office(finance).post(
        "/staff/disbursements/disbursement/", {**picked, "action": "request_void_selected", "reason": "wrong family"}
    )
    _office(finance).post("/staff/disbursements/disbursement/", {**picked, "action": "approve_void_selected"})
    d.refresh_from_db()
    assert d.status == DisbursementStatus.AWAITING_APPROVAL and d.void_reason == "wrong family"
    _office(second).post("/staff/disbursements/disbursement/", {**picked, "action": "approve_void_selected"})
    d.refresh_from_db()
    assert d.status == DisbursementStatus.VOIDED


def test_finance_adds_a_missing_translation_of_a_payout_description_audited_and_never_rewrites_one(
    funded, finance
) -> None:
    with translation.override("en"):
        payout = pay(funded, finance, "100")
    office = _office(finance)
    url = f"/staff/disbursements/disbursement/{payout.pk}/change/"
    form = office.get(url).content.decode()
    assert 'name="public_description_be"' in form and 'name="public_description_en"' not in form
    response = office.post(url, {"public_description_be": "Ганарар адваката за апеляцыю", "public_description_ru": ""})
    assert response.status_code == 302
    payout.refresh_from_db()
    assert payout.public_description_be == "Ганарар адваката за апеляцыю"
    assert payout.public_description_en == "Lawyer's fee for the appeal" and not payout.public_description_ru
    assert AuditEntry.objects.filter(action="disbursement.translate_description").count() == 1
    with pytest.raises(NotAllowed):
        services.translate_public_description(disbursement=payout, texts={"be": "Іншы тэкст"}, actor=finance)
    html = Client(HTTP_HOST="127.0.0.1").get(f"/be/campaigns/{funded.slug}/transparency/").content.decode()
    assert "Ганарар адваката за апеляцыю" in html
