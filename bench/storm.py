"""`storm`: 10 000 signed Stripe webhook events against one campaign, through nginx to two
app processes on PostgreSQL, from 16 concurrent senders that retry whatever failed.

The events: one pending card donation is created per payment first (through the donation
service, as the donate form does); each payment is reported by `checkout.session.completed`
or `payment_intent.succeeded` (some by both: the second must change nothing), some are
refunded (`charge.refunded`, partly or fully, some twice with a growing cumulative
amount), 20 % of all deliveries are exact duplicates, and everything is shuffled — so
refunds often arrive before their payment and must wait for it.

Measured twice: as production runs it (SOLIDARITY_WEBHOOK_APPLY=worker: the webhook
verifies and stores, the task worker applies at the same time on the same cores) — both
the rate at which Stripe is answered and the rate at which events end up applied — and
with every event applied inside its request (`request`), on fresh donations.

Baseline: the same senders posting the same bodies to /bench/insert/ (bench/urls.py), a
Django endpoint doing one INSERT per request, on the same stack, before the storms and
again after them; the ratio is against the mean of the two. Goal: ≥ 0.5.
After each storm the campaign's totals must equal the expected values exactly, every
event must be stored once and applied, and `verify_ledger` must pass.

Fee look-ups go to STRIPE_API_BASE=http://127.0.0.1:9 (nothing listens: refused at once),
so the webhook records no fee; the fake Stripe is used by the fault tests instead.

    .venv/bin/python -m bench.storm         (BENCH_QUICK=1: 1 000 events)
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import random
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.common import (
    QUICK,
    bench_stack,
    cpu_seconds,
    header,
    peak_rss_mib,
    ratio_line,
    running,
    use_stack_in_process,
    worker_peak_rss_mib,
)
from deploy.prodlocal import WEBHOOK_SECRET, Stack

WEBHOOK_PATH = "/payments/stripe/webhook/"
CAMPAIGN_SLUG = "legal-defence-ihar-m"


@dataclass(frozen=True)
class Event:
    event_id: str
    body: bytes


@dataclass
class Plan:
    """What is sent, and what the ledger must show afterwards."""

    deliveries: list[Event]
    unique_events: int
    donations: int
    collected_minor: int  # added to the campaign by this storm
    refunded_minor: int

    def expected(self) -> dict[str, int]:
        """What `check_outcome` compares with (plain numbers, to pass between processes)."""
        return {
            "unique_events": self.unique_events,
            "donations": self.donations,
            "collected_minor": self.collected_minor,
        }


def sign(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    """Stripe's scheme: t=<unix time>,v1=HMAC-SHA256(secret, "<t>.<body>")."""
    t = int(time.time())
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def _event(event_id: str, kind: str, obj: dict[str, object]) -> Event:
    body = {
        "id": event_id,
        "object": "event",
        "type": kind,
        "livemode": False,
        "created": int(time.time()),
        "api_version": "2025-09-30.clover",
        "data": {"object": obj},
    }
    return Event(event_id, json.dumps(body).encode())


def plan_storm(donation_ids: list[int], *, total: int, seed: int = 7, run: str = "") -> Plan:
    """Events for the pending donations `donation_ids` (EUR), `total` deliveries in all."""
    rng = random.Random(seed)
    unique_target = total * 8 // 10
    n = len(donation_ids)
    refunded = donation_ids[: n // 10]
    twice_refunded = set(refunded[: len(refunded) // 4])
    both_events = set(donation_ids[n // 10 : n // 10 + max(0, unique_target - n - len(refunded) - len(twice_refunded))])
    events: list[Event] = []
    collected = refunded_total = 0
    amounts: dict[int, int] = {}
    for donation_id in donation_ids:
        amount = rng.randrange(200, 20000)
        amounts[donation_id] = amount
        collected += amount
        pi, charge, session = f"pi_{run}{donation_id}", f"ch_{run}{donation_id}", f"cs_{run}{donation_id}"
        session_event = _event(
            f"evt_{run}cs_{donation_id}",
            "checkout.session.completed",
            {
                "id": session, "object": "checkout.session", "mode": "payment", "payment_status": "paid",
                "status": "complete", "amount_total": amount, "currency": "eur", "payment_intent": pi,
                "subscription": None, "client_reference_id": str(donation_id),
                "metadata": {"donation_id": str(donation_id)},
            },
        )  # fmt: skip
        intent_event = _event(
            f"evt_{run}pi_{donation_id}",
            "payment_intent.succeeded",
            {
                "id": pi, "object": "payment_intent", "status": "succeeded", "amount": amount,
                "amount_received": amount, "currency": "eur", "latest_charge": charge,
                "metadata": {"donation_id": str(donation_id)},
            },
        )  # fmt: skip
        if donation_id in both_events:
            events += [session_event, intent_event]
        else:
            events.append(session_event if donation_id % 2 else intent_event)
    for donation_id in refunded:
        amount = amounts[donation_id]
        steps = [amount // 3, amount] if donation_id in twice_refunded else [rng.choice([amount // 2, amount])]
        refunded_total += steps[-1]
        for step, cumulative in enumerate(steps):
            events.append(
                _event(
                    f"evt_{run}re_{donation_id}_{step}",
                    "charge.refunded",
                    {
                        "id": f"ch_{run}{donation_id}",
                        "object": "charge",
                        "amount": amount,
                        "amount_refunded": cumulative,
                        "currency": "eur",
                        "payment_intent": f"pi_{run}{donation_id}",
                        "refunded": cumulative == amount,
                    },
                )
            )
    duplicates = [rng.choice(events) for _ in range(max(0, total - len(events)))]
    deliveries = events + duplicates
    rng.shuffle(deliveries)
    return Plan(
        deliveries=deliveries,
        unique_events=len(events),
        donations=n,
        collected_minor=collected - refunded_total,
        refunded_minor=refunded_total,
    )


@dataclass
class SendReport:
    seconds: float = 0.0
    delivered: int = 0
    attempts: int = 0
    retried: int = 0
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def per_second(self) -> float:
        return self.delivered / self.seconds if self.seconds else 0.0


def send_all(
    deliveries: list[Event],
    *,
    port: int,
    path: str = WEBHOOK_PATH,
    clients: int = 16,
    deadline_s: float = 1500.0,
    on_progress: Callable[[int], None] | None = None,
) -> SendReport:
    """Deliver every event at least once with `clients` concurrent senders.

    A delivery counts when it is answered 2xx; a refused connection, a reset, a timeout or
    a 5xx is retried (as Stripe does) after a short pause, until `deadline_s`.
    """
    queue = list(reversed(deliveries))
    lock = threading.Lock()
    report = SendReport()
    start = time.monotonic()
    stop_at = start + deadline_s

    def take() -> Event | None:
        with lock:
            return queue.pop() if queue else None

    def worker() -> None:
        conn: http.client.HTTPConnection | None = None
        while time.monotonic() < stop_at:
            item = take()
            if item is None:
                return
            body = item.body
            ok = False
            status = "error"
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request(
                    "POST",
                    path,
                    body=body,
                    headers={"Content-Type": "application/json", "Stripe-Signature": sign(body)},
                )
                response = conn.getresponse()
                response.read()
                status = str(response.status)
                ok = 200 <= response.status < 300
                if response.getheader("Connection", "").lower() == "close":
                    conn.close()
                    conn = None
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
            with lock:
                report.attempts += 1
                report.statuses[status] += 1
                if ok:
                    report.delivered += 1
                    if on_progress is not None:
                        on_progress(report.delivered)
                else:
                    report.retried += 1
                    queue.insert(0, item)  # retried later, as Stripe does
            if not ok:
                time.sleep(0.05)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(max(0.0, stop_at - time.monotonic()) + 5)
    report.seconds = time.monotonic() - start
    if queue:
        raise RuntimeError(f"{len(queue)} deliveries still failing after {deadline_s:.0f} s: {report.statuses}")
    return report


def warm_up(sample: list[Event], *, port: int) -> None:
    """Load both code paths in every app thread before anything is timed: the sample posted
    to the INSERT endpoint, and to the webhook with a wrong signature (refused: stores nothing)."""
    send_all(sample, port=port, path="/bench/insert/")
    wrong = [Event(e.event_id, e.body + b" ") for e in sample]  # signed for the other body
    for event in wrong:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("POST", WEBHOOK_PATH, body=event.body, headers={"Stripe-Signature": sign(event.body[:-1])})
        conn.getresponse().read()
        conn.close()


def create_pending_donations(count: int, slug: str = CAMPAIGN_SLUG) -> tuple[list[int], dict[str, int]]:
    """Pending EUR card donations through the donation service, and the totals before."""
    from decimal import Decimal

    from solidarity.campaigns.funds import campaign_totals
    from solidarity.campaigns.models import Campaign
    from solidarity.core.money import Money
    from solidarity.donations.intents import create_donation_intent
    from solidarity.payments.models import ProviderEvent

    campaign = Campaign.objects.get(slug=slug)
    before = campaign_totals(campaign)
    ids = [
        create_donation_intent(campaign=campaign, amount=Money(Decimal("10"), "EUR"), channel="card").donation.pk
        for _ in range(count)
    ]
    events = ProviderEvent.objects.filter(provider="stripe").count()
    return ids, {"collected": before.collected.minor, "donations": before.donations, "events": events}


def check_outcome(expected: dict[str, int], before: dict[str, int], slug: str = CAMPAIGN_SLUG) -> list[str]:
    """Compare the ledger with the plan; returns the problems (empty when exact)."""
    from io import StringIO

    from django.core.management import CommandError, call_command

    from solidarity.campaigns.funds import campaign_totals
    from solidarity.campaigns.models import Campaign
    from solidarity.payments.models import ProviderEvent

    problems = []
    campaign = Campaign.objects.get(slug=slug)
    totals = campaign_totals(campaign)
    expected_collected = before["collected"] + expected["collected_minor"]
    if totals.collected.minor != expected_collected:
        problems.append(f"collected {totals.collected.minor} minor units, expected {expected_collected}")
    if totals.donations != before["donations"] + expected["donations"]:
        problems.append(f"{totals.donations} donations, expected {before['donations'] + expected['donations']}")
    stored = ProviderEvent.objects.filter(provider="stripe").count() - before.get("events", 0)
    if stored != expected["unique_events"]:
        problems.append(f"{stored} events stored, expected {expected['unique_events']}")
    for state in (ProviderEvent.State.RECEIVED, ProviderEvent.State.WAITING):
        left = ProviderEvent.objects.filter(state=state).count()
        if left:
            problems.append(f"{left} events still {state}")
    out = StringIO()
    try:
        call_command("verify_ledger", stdout=out, stderr=out)
    except CommandError:
        problems.append("verify_ledger failed: " + out.getvalue()[-500:])
    return problems


def pending_events() -> int:
    """Stored events not applied yet (received, or waiting for an earlier one)."""
    from solidarity.payments.models import ProviderEvent

    State = ProviderEvent.State
    return ProviderEvent.objects.filter(state__in=[State.RECEIVED, State.WAITING]).count()


def wait_until_applied(*, timeout: float = 1800.0, poll: float = 0.2) -> float:
    """Wait until the worker has applied every stored event; returns when (monotonic)."""
    deadline = time.monotonic() + timeout
    while pending_events():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{pending_events()} events still not applied after {timeout:.0f} s")
        time.sleep(poll)
    return time.monotonic()


def storm_stack(name: str = "storm", **kwargs: object) -> Stack:
    """Two app processes (one granian master, two workers) behind nginx, fresh database."""
    return bench_stack(name, app_workers=2, **kwargs)


def _report(label: str, report: SendReport) -> str:
    return (
        f"{label:34s}{report.per_second:8.1f} /s   ({report.delivered} in {report.seconds:.1f} s, "
        f"{report.retried} retried, answers {dict(report.statuses)})"
    )


def main() -> int:
    total = 1000 if QUICK else 10000
    header(f"storm: {total} signed Stripe events, 16 senders, 2 app processes, PostgreSQL")
    stack = storm_stack()
    with running(stack):
        stack.prepare(fresh=True)
        use_stack_in_process(stack)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, body text NOT NULL)")
        donations = total * 8 // 10 * 8 // 10
        start = time.perf_counter()
        ids, before = create_pending_donations(donations)
        print(f"created {len(ids)} pending card donations in {time.perf_counter() - start:.1f} s")
        plan = plan_storm(ids, total=total)
        types = Counter(json.loads(e.body)["type"] for e in plan.deliveries)
        print(f"{len(plan.deliveries)} deliveries, {plan.unique_events} unique events: {dict(types)}")

        # Production mode: the webhook verifies and stores, the task worker applies (at the
        # same time, on the same two cores).
        stack.start_app()
        stack.start_nginx()
        connection.close()
        # The baseline is measured before the storms and again after them (the machine's
        # speed drifts over a run of several minutes); the ratio uses their mean.
        warm_up(plan.deliveries[:200], port=stack.http_port)
        baseline_before = send_all(plan.deliveries, port=stack.http_port, path="/bench/insert/")
        stack.start_worker()
        app_cpu, worker_cpu = cpu_seconds(stack.pid("app") or 0), cpu_seconds(stack.pid("worker") or 0)
        began = time.monotonic()
        storm = send_all(plan.deliveries, port=stack.http_port)
        app_cpu = cpu_seconds(stack.pid("app") or 0) - app_cpu
        worker_cpu = cpu_seconds(stack.pid("worker") or 0) - worker_cpu
        rss = worker_peak_rss_mib(stack)
        applied_at = wait_until_applied()
        end_to_end = plan.unique_events / (applied_at - began)
        problems = check_outcome(plan.expected(), before)
        print(_report("one INSERT per request (before)", baseline_before))
        print(_report("webhook answered (worker mode)", storm))
        print(
            f"CPU while the storm was answered: app server {app_cpu / len(plan.deliveries) * 1000:.2f} ms per delivery, "
            f"task worker {worker_cpu:.1f} s (of {storm.seconds * (os.cpu_count() or 1):.1f} core-seconds)"
        )
        print(
            f"{'all applied by the worker':34s}{end_to_end:8.1f} /s   (unique events, "
            f"{applied_at - began:.1f} s from the first delivery; {applied_at - began - storm.seconds:.1f} s after the last)"
        )
        print(f"peak RSS of an app worker during the storm: {rss:.1f} MiB")
        print(f"peak RSS of the task worker: {peak_rss_mib(stack.pid('worker') or 0):.1f} MiB")
        print("ledger after the storm: " + ("exact, verify_ledger OK" if not problems else "; ".join(problems)))

        # The same storm applied inside the webhook's request (SOLIDARITY_WEBHOOK_APPLY=request).
        stack.stop_process("worker")
        stack.start_app(env=stack.env(SOLIDARITY_WEBHOOK_APPLY="request"))
        ids, before = create_pending_donations(donations)
        connection.close()
        inline_plan = plan_storm(ids, total=total, run="r")
        inline = send_all(inline_plan.deliveries, port=stack.http_port)
        inline_problems = check_outcome(inline_plan.expected(), before)
        print(_report("applied in the request", inline))
        print("ledger after it: " + ("exact, verify_ledger OK" if not inline_problems else "; ".join(inline_problems)))

        app_cpu = cpu_seconds(stack.pid("app") or 0)
        baseline_after = send_all(plan.deliveries, port=stack.http_port, path="/bench/insert/")
        app_cpu = cpu_seconds(stack.pid("app") or 0) - app_cpu
        print(_report("one INSERT per request (after)", baseline_after))
        print(f"CPU of the app server for one INSERT per request: {app_cpu / len(plan.deliveries) * 1000:.2f} ms")
        baseline = (baseline_before.per_second + baseline_after.per_second) / 2
        print(f"{'one INSERT per request (mean)':34s}{baseline:8.1f} /s")
        print(ratio_line("webhook answered (worker mode) / one-INSERT requests", storm.per_second, baseline, 0.5))
        print(ratio_line("applied end to end (worker mode) / one-INSERT requests", end_to_end, baseline, 0.5))
        print(ratio_line("applied in the request / one-INSERT requests", inline.per_second, baseline, 0.5))
    return 1 if problems or inline_problems else 0


if __name__ == "__main__":
    sys.exit(main())
