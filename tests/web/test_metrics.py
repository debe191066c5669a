"""`/metrics`, as a Prometheus server scrapes it: behind a bearer token, counts and times only."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from solidarity.core.money import Money
from solidarity.core.request_metrics import request_metrics_text
from solidarity.donations.intents import create_donation_intent
from solidarity.ledger.verification import record_verification
from solidarity.payments import tasks as payment_tasks
from solidarity.payments.models import CardPayment
from tests.payments import stripe_events as ev
from tests.web.test_health import post_one_transaction

pytestmark = pytest.mark.django_db
TOKEN = "scrape-token-0123456789abcdef"


@pytest.fixture
def client() -> Client:
    # What a visitor's request carries and must never reach the metrics.
    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="203.0.113.77", HTTP_USER_AGENT="AgentSmith/9.9")


@pytest.fixture
def token(settings) -> str:
    settings.SOLIDARITY_METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client: Client) -> tuple[str, dict[tuple[str, tuple[tuple[str, str], ...]], float]]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert not response.cookies and "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    return text, parse(text)


def parse(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a Prometheus text page: (name, sorted labels) → value."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def requests_counted(samples, view: str, status: str) -> float:
    return samples.get(("solidarity_http_requests_total", (("status", status), ("view", view))), 0.0)


def test_metrics_do_not_exist_without_a_configured_token(client, settings) -> None:
    settings.SOLIDARITY_METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer anything").status_code == 404


def test_metrics_refuse_a_scrape_without_the_right_token(client, token) -> None:
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-the-token")
    assert wrong.status_code == 401 and wrong["WWW-Authenticate"].startswith("Bearer")
    assert b"solidarity_" not in wrong.content


def test_requests_are_counted_by_view_name_and_status_never_by_path_or_visitor(client, token, campaign) -> None:
    before = scrape(client)[1]
    secret_path = "/en/campaigns/no-such-campaign-SECRET4242/"
    assert client.get(f"/en/campaigns/{campaign.slug}/").status_code == 200
    assert client.get(secret_path).status_code == 404
    assert client.get("/en/receipts/RCPT-SECRET-0000/").status_code == 404
    text, after = scrape(client)
    assert requests_counted(after, "campaigns:detail", "200") == requests_counted(before, "campaigns:detail", "200") + 1
    assert requests_counted(after, "campaigns:detail", "404") >= 1  # the unknown slug still resolves to the view
    assert requests_counted(after, "<unresolved>", "404") >= 1  # an unknown path: no view
    for leak in ("SECRET4242", "RCPT-SECRET", campaign.slug, "203.0.113.77", "AgentSmith", "/en/"):
        assert leak not in text


def test_webhook_events_backlog_and_task_queue_are_reported(client, token, settings, campaign, monkeypatch) -> None:
    settings.SOLIDARITY_WEBHOOK_APPLY = "worker"
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_WEBHOOK_SECRETS = [ev.SECRET]
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: fee look-ups fail fast
    monkeypatch.setattr(payment_tasks, "LINGER_SECONDS", 0.0)
    cache.clear()
    intent = create_donation_intent(
        campaign=campaign, amount=Money(Decimal("25"), "EUR"), channel="card", public_name="Ivanna Donorova"
    )
    CardPayment.objects.create(donation=intent.donation, checkout_session_id=f"cs_test_{intent.donation.pk}")
    payload = ev.event("checkout.session.completed", ev.session_completed(intent.donation.pk, 2500))
    assert ev.deliver(client, payload).status_code == 200  # stored; its application is not queued here
    call_command("worker_heartbeat")

    text, samples = scrape(client)
    assert samples[("solidarity_webhook_events", (("state", "received"),))] == 1
    assert samples[("solidarity_webhook_events", (("state", "applied"),))] == 0
    assert samples[("solidarity_webhook_events", (("state", "failed"),))] == 0
    assert samples[("solidarity_webhook_backlog_age_seconds", ())] >= 0
    assert samples[("solidarity_task_queue_depth", ())] == 1  # the heartbeat, waiting for a worker
    assert "Ivanna" not in text and "cs_test" not in text
    # No amount either: values are counts, ages and times; no label carries a number of money.
    labels = {value for _name, pairs in samples for _key, value in pairs}
    assert not any(amount in value for value in labels for amount in ("2500", "25.00", "EUR"))

    payment_tasks.apply_events_task.call()
    samples = scrape(client)[1]
    assert samples[("solidarity_webhook_events", (("state", "applied"),))] == 1
    assert samples[("solidarity_webhook_events", (("state", "received"),))] == 0
    assert samples[("solidarity_webhook_backlog_age_seconds", ())] == 0


def test_last_seal_and_last_verification_are_reported(client, token, campaign) -> None:
    post_one_transaction(campaign)
    samples = scrape(client)[1]
    assert samples[("solidarity_log_unsealed_age_seconds", ())] >= 0
    assert ("solidarity_log_last_seal_timestamp_seconds", ()) not in samples  # never sealed yet
    call_command("seal_log", verbosity=0)
    run, _report = record_verification()
    samples = scrape(client)[1]
    assert samples[("solidarity_log_unsealed_age_seconds", ())] == 0
    assert samples[("solidarity_log_last_seal_timestamp_seconds", ())] > 0
    assert samples[("solidarity_ledger_last_verification_timestamp_seconds", ())] == run.checked_at.timestamp()
    assert samples[("solidarity_ledger_last_verification_ok", ())] == 1


def test_app_server_processes_add_up_their_counts_in_the_multiprocess_folder(tmp_path, monkeypatch) -> None:
    """granian or gunicorn with several workers: each process counts, /metrics sums them."""
    one_request = (
        "import django; django.setup();"
        "from django.test import Client;"
        "assert Client(HTTP_HOST='127.0.0.1').get('/healthz').status_code == 200"
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "solidarity.settings"}
    for _ in range(2):  # two app server processes, one after the other
        subprocess.run([sys.executable, "-c", one_request], env=env, check=True, timeout=60)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert requests_counted(parse(request_metrics_text().decode()), "healthz", "200") == 2
