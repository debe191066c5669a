"""Tampering with the ledger raises the alarm: banner, readiness, one log line.

As someone with the owner's database access would, the test rewrites a posting behind
the application's back (switching the append-only guard off first on PostgreSQL), then
runs the scheduled verification (`manage.py verify_ledger`, hourly in production). A
member of staff then sees the red banner on every back-office page, `/readyz` answers
503 naming the check, and exactly one ERROR line was logged.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Posting, VerificationRun
from tests.factories import UserFactory
from tests.tampering import switch_guards_off

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def tamper_with_a_posting(campaign: Any, actor: Any) -> int:
    recorded = record_staff_donation(campaign=campaign, amount=Money(Decimal(10), "EUR"), channel="cash", actor=actor)
    txn_id = recorded.donation.ledger_transaction_id
    posting = Posting.objects.filter(transaction_id=txn_id).first()
    assert posting is not None
    with connection.cursor() as cur:
        switch_guards_off(cur, "ledger_posting")
        cur.execute("UPDATE ledger_posting SET amount_minor = 99999 WHERE id = %s", [posting.pk])
    return txn_id


def staff_client() -> Client:
    """A member of staff past the password and the second factor, as the login pages see them."""
    cache.clear()
    user = UserFactory(username="anna", is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client(HTTP_HOST="127.0.0.1")
    client.post("/staff/login/?next=/staff/", {"username": "anna", "password": PASSWORD, "next": "/staff/"})
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"
    assert client.post("/staff/two-factor/?next=/staff/", {"token": code}).status_code == 302
    return client


def test_a_tampered_posting_raises_the_banner_fails_readiness_and_logs_one_line(campaign, staff_user, caplog) -> None:
    txn_id = tamper_with_a_posting(campaign, staff_user)
    client = staff_client()
    assert "ledger-alarm" not in client.get("/staff/").content.decode()

    caplog.set_level(logging.INFO)
    with pytest.raises(CommandError, match="verification failed"):
        call_command("verify_ledger")
    first = f"transaction #{txn_id}: does not balance in EUR"

    for page in ("/staff/", "/staff/donations/donation/", "/staff/staff/auditentry/"):
        html = client.get(page).content.decode()
        assert 'id="ledger-alarm"' in html, page
        assert "The ledger failed verification at" in html and first in html and "Do not publish" in html

    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["failed"] == ["ledger_verification"]
    assert first in ready.json()["checks"]["ledger_verification"]

    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]
    assert errors[0].name == "solidarity.verification"
    assert errors[0].getMessage().startswith("ledger verification failed: ") and first in errors[0].getMessage()


def test_the_banner_goes_once_a_later_run_passes(campaign, staff_user) -> None:
    VerificationRun.objects.create(checked_at=timezone.now(), ok=False, problem_count=1, first_problem="x")
    client = staff_client()
    assert 'id="ledger-alarm"' in client.get("/staff/").content.decode()
    call_command("verify_ledger")
    assert "ledger-alarm" not in client.get("/staff/").content.decode()
