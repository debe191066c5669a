"""Storing and applying webhook events as two steps: in the request, or by the task worker.

With SOLIDARITY_WEBHOOK_APPLY=worker the webhook answers once the event is stored and a
debounced task applies it; a crash between the two steps leaves a received row that a
repeat delivery, the next task run or the sweep command applies — once.
"""

from __future__ import annotations

import json
import random
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from solidarity.campaigns.funds import campaign_owner, campaign_totals
from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import DonationStatus
from solidarity.ledger.models import Posting, Transaction
from solidarity.ledger.verification import verify_ledger
from solidarity.payments import tasks
from solidarity.payments.events import apply_stored, store_event
from solidarity.payments.models import CardPayment, ProviderEvent
from solidarity.payments.providers.stripe import StripeProvider
from solidarity.payments.stripe_handlers import handle_stripe_event
from solidarity.payments.tasks import apply_events_task
from tests.factories import active_campaign
from tests.payments import stripe_events as ev

pytestmark = pytest.mark.django_db
State = ProviderEvent.State


@pytest.fixture(autouse=True)
def stripe_settings(settings, monkeypatch) -> None:
    settings.STRIPE_SECRET_KEY = "sk_test_local"
    settings.STRIPE_WEBHOOK_SECRETS = [ev.SECRET]
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: fee look-ups fail fast and are skipped
    cache.clear()
    monkeypatch.setattr(tasks, "_last_asked", 0.0)  # each test starts as a fresh process
    monkeypatch.setattr(tasks, "LINGER_SECONDS", 0.0)  # a run returns once nothing is left


@pytest.fixture
def worker_mode(settings) -> None:
    settings.SOLIDARITY_WEBHOOK_APPLY = "worker"


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")


def pending_donation(campaign, amount: str = "25"):
    intent = create_donation_intent(campaign=campaign, amount=Money(Decimal(amount), "EUR"), channel="card")
    CardPayment.objects.create(donation=intent.donation, checkout_session_id=f"cs_test_{intent.donation.pk}")
    return intent.donation


def queued_runs() -> int:
    return DBTaskResult.objects.filter(task_path__endswith="apply_events_task").count()


def test_worker_mode_answers_once_stored_and_the_task_applies(
    client, campaign, worker_mode, django_capture_on_commit_callbacks
) -> None:
    donation = pending_donation(campaign)
    payload = ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500))
    with django_capture_on_commit_callbacks(execute=True):
        response = ev.deliver(client, payload)
    assert response.status_code == 200
    assert response.json() == {"received": True, "state": "received", "duplicate": False}
    row = ProviderEvent.objects.get()
    assert row.state == State.RECEIVED and row.data["donation_id"] == donation.pk
    assert "Ivan" not in json.dumps(row.data)  # only the normalised fields, never the cardholder
    assert not Transaction.objects.exists()
    assert queued_runs() == 1

    assert apply_events_task.call() == {"tried": 1, "left": 0}
    row.refresh_from_db()
    donation.refresh_from_db()
    assert (row.state, row.data) == (State.APPLIED, {})
    assert donation.status == DonationStatus.PAID
    assert campaign_totals(campaign).collected == Money(Decimal("25"), "EUR")

    # Delivered again after it was applied: stored nothing, queued nothing, changed nothing.
    with django_capture_on_commit_callbacks(execute=True):
        again = ev.deliver(client, payload).json()
    assert again["duplicate"] is True and queued_runs() == 1
    assert apply_events_task.call() == {"tried": 0, "left": 0}
    assert Transaction.objects.count() == 1


def test_a_burst_of_deliveries_queues_one_run(
    client, campaign, worker_mode, django_capture_on_commit_callbacks
) -> None:
    donations = [pending_donation(campaign) for _ in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        for donation in donations:
            paid = ev.payment_intent_succeeded(donation.pk, 2500, pi=f"pi_{donation.pk}", charge=f"ch_{donation.pk}")
            ev.deliver(client, ev.event("payment_intent.succeeded", paid))
    assert queued_runs() == 1  # debounced: one run applies all five
    assert apply_events_task.call() == {"tried": 5, "left": 0}
    assert campaign_totals(campaign).donations == 5


def _storm(campaign, seed: int):
    """Payments, refunds (some before their payment), duplicates, in a seeded order."""
    deliveries = []
    for n in range(6):
        donation = pending_donation(campaign, "20")
        intent, charge = f"pi_{seed}_{n}", f"ch_{seed}_{n}"
        paid = ev.payment_intent_succeeded(donation.pk, 2000, pi=intent, charge=charge)
        deliveries.append(ev.event("payment_intent.succeeded", paid, event_id=f"evt_{seed}_pay_{n}"))
        if n % 2 == 0:
            refund = ev.charge_refunded(2000, 500 * (n // 2 + 1), pi=intent, charge=charge)
            deliveries.append(ev.event("charge.refunded", refund, event_id=f"evt_{seed}_ref_{n}"))
    deliveries += deliveries[:4]  # exact duplicates
    random.Random(seed).shuffle(deliveries)
    return deliveries


def _fund_balance(campaign) -> int:
    return sum(
        Posting.objects.filter(account__owner=campaign_owner(campaign), account__purpose="campaign_fund").values_list(
            "amount_minor", flat=True
        )
    )


def test_worker_mode_reaches_the_same_ledger_as_request_mode(client, campaign, settings) -> None:
    for delivery in _storm(campaign, seed=3):
        assert ev.deliver(client, delivery).status_code == 200
    in_request = (campaign_totals(campaign).collected, _fund_balance(campaign))

    other = active_campaign(currency="EUR", goal="500")
    settings.SOLIDARITY_WEBHOOK_APPLY = "worker"
    for delivery in _storm(other, seed=3 + 100):
        assert ev.deliver(client, delivery).json()["state"] == "received"
    assert campaign_totals(other).donations == 0
    apply_events_task.call()
    assert (campaign_totals(other).collected, _fund_balance(other)) == in_request
    assert not ProviderEvent.objects.filter(state__in=[State.RECEIVED, State.WAITING]).exists()
    assert verify_ledger().ok


def test_an_event_stored_by_a_process_that_died_is_applied_by_the_repeat_delivery(client, campaign) -> None:
    donation = pending_donation(campaign)
    payload = ev.event("checkout.session.completed", ev.session_completed(donation.pk, 2500))
    # The first delivery's process stored the event and was killed before applying it.
    store_event(StripeProvider().parse_webhook(body=payload, headers={"Stripe-Signature": ev.sign(payload)}))
    assert ProviderEvent.objects.get().state == State.RECEIVED
    response = ev.deliver(client, payload).json()
    assert (response["state"], response["duplicate"]) == ("applied", True)
    assert campaign_totals(campaign).donations == 1
    assert ev.deliver(client, payload).json()["state"] == "applied"
    assert Transaction.objects.count() == 1


def test_the_sweep_applies_what_no_worker_did(campaign) -> None:
    donation = pending_donation(campaign)
    payload = ev.event("payment_intent.succeeded", ev.payment_intent_succeeded(donation.pk, 2500))
    store_event(StripeProvider().parse_webhook(body=payload, headers={"Stripe-Signature": ev.sign(payload)}))
    call_command("apply_waiting_events")
    assert ProviderEvent.objects.get().state == State.APPLIED
    assert campaign_totals(campaign).donations == 1


def test_applying_a_row_twice_books_it_once(campaign) -> None:
    donation = pending_donation(campaign)
    payload = ev.event("payment_intent.succeeded", ev.payment_intent_succeeded(donation.pk, 2500))
    row_id, duplicate = store_event(
        StripeProvider().parse_webhook(body=payload, headers={"Stripe-Signature": ev.sign(payload)})
    )
    assert not duplicate
    assert apply_stored(row_id, handle_stripe_event) == State.APPLIED
    assert apply_stored(row_id, handle_stripe_event) == State.APPLIED
    assert Transaction.objects.count() == 1


def test_an_invoice_whose_payment_cannot_be_looked_up_stays_received(client, campaign, worker_mode) -> None:
    payload = ev.event(
        "invoice.paid",
        {"id": "in_1", "object": "invoice", "subscription": "sub_1", "amount_paid": 1000, "currency": "eur"},
    )
    assert ev.deliver(client, payload).status_code == 200
    assert apply_events_task.call() == {"tried": 1, "left": 1}  # Stripe unreachable: kept for the next run
    assert ProviderEvent.objects.get().state == State.RECEIVED
    assert not Transaction.objects.exists()


def test_a_run_lingers_for_events_stored_while_it_drains(campaign, monkeypatch) -> None:
    """An event stored just after a run found nothing left is still applied by that run."""
    monkeypatch.setattr(tasks, "LINGER_SECONDS", 1.0)
    first, second = pending_donation(campaign), pending_donation(campaign)
    payloads = [
        ev.event(
            "payment_intent.succeeded", ev.payment_intent_succeeded(d.pk, 2500, pi=f"pi_{d.pk}", charge=f"ch_{d.pk}")
        )
        for d in (first, second)
    ]
    store_event(StripeProvider().parse_webhook(body=payloads[0], headers={"Stripe-Signature": ev.sign(payloads[0])}))
    real_sleep = tasks.time.sleep
    stored_late = []

    def sleep_then_store(seconds: float) -> None:
        if not stored_late:  # the run has drained and is lingering: a delivery arrives now
            body = payloads[1]
            stored_late.append(
                store_event(StripeProvider().parse_webhook(body=body, headers={"Stripe-Signature": ev.sign(body)}))
            )
        real_sleep(seconds)

    monkeypatch.setattr(tasks.time, "sleep", sleep_then_store)
    assert apply_events_task.call() == {"tried": 2, "left": 0}
    assert campaign_totals(campaign).donations == 2


def test_a_long_run_hands_over_to_a_queued_successor(campaign, monkeypatch) -> None:
    """A run that has worked long enough queues its successor behind the other tasks and stops."""
    monkeypatch.setattr(tasks, "BATCH", 2)
    monkeypatch.setattr(tasks, "MAX_RUN_SECONDS", 0.0)
    for _ in range(3):
        donation = pending_donation(campaign)
        body = ev.event(
            "payment_intent.succeeded",
            ev.payment_intent_succeeded(donation.pk, 2500, pi=f"pi_{donation.pk}", charge=f"ch_{donation.pk}"),
        )
        store_event(StripeProvider().parse_webhook(body=body, headers={"Stripe-Signature": ev.sign(body)}))
    assert apply_events_task.call() == {"tried": 2, "left": 1}
    assert queued_runs() == 1  # the successor
    assert cache.get(tasks._QUEUED_KEY) == 1  # deliveries meanwhile queue nothing more
    assert apply_events_task.call() == {"tried": 1, "left": 0}
    assert campaign_totals(campaign).donations == 3


def test_a_failed_enqueue_lets_the_next_delivery_try_again(monkeypatch) -> None:
    class Unqueueable:
        def enqueue(self) -> None:
            raise RuntimeError("task queue down")

    monkeypatch.setattr(tasks, "apply_events_task", Unqueueable())
    tasks._enqueue_once()  # logged, not raised: the event is stored and the sweep has it
    assert cache.get(tasks._QUEUED_KEY) is None
