"""`/healthz` and `/readyz`, as a load balancer or a monitor polls them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from solidarity.ledger.models import VerificationRun
from solidarity.ledger.verification import record_verification

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def test_healthz_answers_ok_and_sets_no_cookie(client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert not response.cookies and "no-cache" in response["Cache-Control"]


def test_readyz_is_ready_after_a_passing_verification(client) -> None:
    record_verification()
    response = client.get("/readyz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "ledger_verification": "ok"}
    assert not response.cookies


def test_readyz_is_not_ready_before_the_ledger_was_ever_verified(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["ledger_verification"]
    assert "never been verified" in response.json()["checks"]["ledger_verification"]


def test_readyz_is_not_ready_when_the_last_verification_is_too_old(client, settings) -> None:
    settings.SOLIDARITY_VERIFICATION_MAX_AGE = 3600
    VerificationRun.objects.create(checked_at=timezone.now() - dt.timedelta(hours=2), ok=True)
    response = client.get("/readyz")
    assert response.status_code == 503 and "older than 3600 s" in response.json()["checks"]["ledger_verification"]
