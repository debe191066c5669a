"""In the back office no bulk action moves money: reversing asks for a reason on a
confirmation page and makes requests; another finance user approves on the request's page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidarity.campaigns.funds import campaign_totals
from solidarity.core.money import Money
from solidarity.donations.models import DonationStatus, RefundRequest
from solidarity.donations.services import record_staff_donation
from tests.factories import staff_with_role

pytestmark = pytest.mark.django_db


def office_for(user) -> Client:
    office = Client(HTTP_HOST="127.0.0.1")
    office.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    session = office.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return office


def test_reversing_two_donations_asks_for_a_reason_then_waits_for_another_person(campaign) -> None:
    asker, approver = staff_with_role("finance", "fin-a"), staff_with_role("finance", "fin-b")
    gifts = [
        record_staff_donation(campaign=campaign, amount=Money(Decimal(a), "EUR"), channel="cash", actor=asker).donation
        for a in ("50", "39.42")
    ]
    office = office_for(asker)
    picked = {"action": "request_reversals", "_selected_action": [g.pk for g in gifts]}
    page = office.post("/staff/donations/donation/", picked)
    assert page.status_code == 200 and "Nothing moves now" in page.content.decode()
    assert campaign_totals(campaign).collected == Money(Decimal("89.42"), "EUR")
    assert not RefundRequest.objects.exists()
    no_reason = office.post("/staff/donations/donation/", {**picked, "confirm": "yes", "reason": ""})
    assert no_reason.status_code == 200 and not RefundRequest.objects.exists()  # asked again, nothing made
    office.post("/staff/donations/donation/", {**picked, "confirm": "yes", "reason": "counterfeit notes"})
    assert RefundRequest.objects.filter(kind="reversal", status="awaiting").count() == 2
    assert campaign_totals(campaign).collected == Money(Decimal("89.42"), "EUR")  # still nothing moved

    second = office_for(approver)
    for refund_request in RefundRequest.objects.all():
        page = second.get(f"/staff/donations/refundrequest/{refund_request.pk}/change/").content.decode()
        assert campaign.title in page and "counterfeit notes" in page and 'id="balance-after"' in page
        second.post(f"/staff/donations/refundrequest/{refund_request.pk}/approve/")
    assert campaign_totals(campaign).collected == Money(Decimal("0"), "EUR")
    assert campaign_totals(campaign).balance == Money(Decimal("0"), "EUR")
    for g in gifts:
        g.refresh_from_db()
        assert g.status == DonationStatus.REVERSED


def test_the_old_one_click_reverse_action_is_gone(campaign) -> None:
    asker = staff_with_role("finance", "fin-a")
    gift = record_staff_donation(campaign=campaign, amount=Money(Decimal(5), "EUR"), channel="cash", actor=asker)
    office_for(asker).post(
        "/staff/donations/donation/", {"action": "reverse_selected", "_selected_action": [gift.donation.pk]}
    )
    gift.donation.refresh_from_db()
    assert gift.donation.status == DonationStatus.PAID
