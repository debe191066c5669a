"""`/healthz` and `/readyz`, as a load balancer or a monitor polls them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from solidarity.campaigns.funds import campaign_fund, campaign_owner
from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.ledger.models import AccountPurpose, TransactionKind, VerificationRun
from solidarity.ledger.services import get_account, post_transaction
from solidarity.ledger.verification import record_verification
from solidarity.payments import tasks as payment_tasks
from solidarity.payments.models import CardPayment, ProviderEvent
from tests.payments import stripe_events as ev

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
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "ok",
        "ledger_verification": "ok",
        "log_seal": "ok",
        "webhook_backlog": "ok",
        "worker_heartbeat": "ok",
    }
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


@contextmanager
def minutes_later(minutes: int) -> Iterator[None]:
    """Drive the clock forward: everything that asks for the time now gets a later one."""
    later = timezone.now() + dt.timedelta(minutes=minutes)
    with mock.patch("django.utils.timezone.now", return_value=later):
        yield


def post_one_transaction(campaign) -> None:
    """A gift of 10 EUR into the campaign's fund, straight into the ledger (not sealed yet)."""
    cash = get_account(purpose=AccountPurpose.CASH, currency="EUR")
    amount = Money(Decimal("10"), "EUR")
    post_transaction(
        kind=TransactionKind.DONATION,
        owner=campaign_owner(campaign),
        lines=[(cash, amount), (campaign_fund(campaign), -amount)],
    )


def ready(client) -> tuple[int, dict]:
    response = client.get("/readyz")
    return response.status_code, response.json()


@pytest.mark.django_db(transaction=True)  # db_worker closes its connection when done, as a worker does
def test_readyz_fails_until_a_task_worker_runs_the_heartbeat_and_again_when_it_stops(client, settings) -> None:
    settings.SOLIDARITY_WORKER_HEARTBEAT_MAX_AGE = 300
    cache.clear()
    record_verification()
    status, body = ready(client)
    assert status == 503 and body["failed"] == ["worker_heartbeat"]
    assert "no task worker has run the heartbeat task" in body["checks"]["worker_heartbeat"]

    call_command("worker_heartbeat")  # what the timer does: queue it, nothing more
    assert ready(client)[0] == 503
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)  # a worker takes it
    status, body = ready(client)
    assert status == 200 and body["checks"]["worker_heartbeat"] == "ok"

    with minutes_later(6):  # the worker died: nothing runs the next heartbeats
        status, body = ready(client)
    assert status == 503 and body["failed"] == ["worker_heartbeat"]
    assert "for more than 300 s" in body["checks"]["worker_heartbeat"]


def test_heartbeat_is_not_checked_when_its_limit_is_zero(client, settings) -> None:
    settings.SOLIDARITY_WORKER_HEARTBEAT_MAX_AGE = 0  # development: `make demo` runs no worker
    cache.clear()
    record_verification()
    assert ready(client)[0] == 200


def test_readyz_fails_while_a_stored_webhook_event_waits_too_long_to_be_applied(
    client, settings, campaign, monkeypatch
) -> None:
    settings.SOLIDARITY_WEBHOOK_APPLY = "worker"
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_WEBHOOK_SECRETS = [ev.SECRET]
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: fee look-ups fail fast
    settings.SOLIDARITY_WEBHOOK_BACKLOG_MAX_AGE = 600
    monkeypatch.setattr(payment_tasks, "LINGER_SECONDS", 0.0)
    intent = create_donation_intent(campaign=campaign, amount=Money(Decimal("25"), "EUR"), channel="card")
    CardPayment.objects.create(donation=intent.donation, checkout_session_id=f"cs_test_{intent.donation.pk}")
    # Stripe delivers; the event is stored, and no worker applies it.
    response = ev.deliver(
        client, ev.event("checkout.session.completed", ev.session_completed(intent.donation.pk, 2500))
    )
    assert response.status_code == 200 and ProviderEvent.objects.get().state == ProviderEvent.State.RECEIVED
    record_verification()
    assert ready(client)[0] == 200  # just arrived: not a backlog yet

    with minutes_later(11):
        status, body = ready(client)
        assert status == 503 and body["failed"] == ["webhook_backlog"]
        assert body["checks"]["webhook_backlog"] == "a provider event has waited more than 600 s to be applied"
        payment_tasks.apply_events_task.call()  # the worker is back
        assert ProviderEvent.objects.get().state == ProviderEvent.State.APPLIED
        assert ready(client)[0] == 200


def test_readyz_fails_while_a_ledger_transaction_waits_too_long_for_the_public_log(client, settings, campaign) -> None:
    settings.SOLIDARITY_SEAL_MAX_AGE = 600
    post_one_transaction(campaign)
    record_verification()
    assert ready(client)[0] == 200

    with minutes_later(11):  # no sealer ran (the timer and the worker are both down)
        status, body = ready(client)
        assert status == 503 and body["failed"] == ["log_seal"]
        assert "waited more than 600 s to be sealed" in body["checks"]["log_seal"]
        call_command("seal_log", verbosity=0)
        assert ready(client)[0] == 200


def test_probes_and_scrapers_are_answered_over_plain_http_where_pages_redirect_to_https(client, settings) -> None:
    settings.SECURE_SSL_REDIRECT = True
    settings.SOLIDARITY_METRICS_TOKEN = "scrape-token"
    record_verification()
    assert client.get("/en/").status_code == 301
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token").status_code == 200
