"""A Stripe that answers after 5 s does not use up database connections or slow readers.

In `request` mode the webhook's fee look-up calls Stripe outside any database
transaction, with the connection idle; nginx lets at most 4 webhook deliveries in at once
(the rest get 503 and are delivered again), so app threads stay free for page views. In
`worker` mode (production) only the task worker asks Stripe, many events at a time and
outside any transaction, and it still applies every event.
"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest

from bench.common import percentile, sample_latencies
from bench.storm import plan_storm, send_all
from tests.faults.conftest import in_stack, pending_events, wait_for
from tests.faults.test_webhook_storms import CREATE
from tests.stripe_fake import StripeFake

PAGE = "/en/campaigns/legal-defence-ihar-m/"
THREADS = 8  # per app worker (2 workers); more than the 4 webhooks nginx lets in


@pytest.mark.parametrize("mode", ["request", "worker"])
def test_slow_stripe_exhausts_no_connections_and_keeps_pages_fast(stack_factory, mode: str) -> None:
    with StripeFake(api_key="sk_test_faults_slow") as fake:
        stack = stack_factory(
            f"slowstripe_{mode}",
            base_port=8295,
            stripe_api_base=fake.url,
            app_threads=THREADS,
            webhook_apply=mode,
            extra_env={"STRIPE_SECRET_KEY": fake.api_key, "SOLIDARITY_READER_RENDER_CACHE": "0"},
        )
        created = in_stack(stack, CREATE.format(count=24))
        plan = plan_storm(created["ids"], total=24, seed=5, run="s")
        stack.start_app(workers=2)
        stack.start_nginx()
        if mode == "worker":
            stack.start_worker()
        page = f"http://127.0.0.1:{stack.app_port}{PAGE}"  # the app itself: every view rendered
        normal = sample_latencies(page, count=60)

        fake.set_delay(5.0)
        outcome: dict[str, object] = {}
        sender = threading.Thread(
            target=lambda: outcome.setdefault("report", send_all(plan.deliveries, port=stack.http_port, clients=8)),
            daemon=True,
        )
        sender.start()
        time.sleep(1.0)  # let the deliveries reach Stripe's 5-second wait
        with psycopg.connect(stack.postgres_url + "/postgres", autocommit=True) as conn:
            during = sample_latencies(page, count=60, warmup=0)
            rows = conn.execute(
                "SELECT state, count(*) FROM pg_stat_activity WHERE datname = %s GROUP BY state", [stack.database]
            ).fetchall()
        sender.join(120)
        if mode == "worker":  # the worker waited on Stripe too, and applied everything
            wait_for(lambda: pending_events(stack)[0] == 0, 120, "the worker to apply every event")

    states = {state or "": n for state, n in rows}
    assert sum(states.values()) <= 2 * THREADS + 2, states  # app threads, the worker, the sampler
    assert states.get("idle in transaction", 0) == 0, "no transaction stays open while Stripe is slow"
    assert outcome["report"].delivered == len(plan.deliveries)  # type: ignore[attr-defined]
    p95_normal, p95_during = percentile(normal, 95), percentile(during, 95)
    # Not a benchmark: a loose bound that only a starved app server would break.
    assert p95_during <= 1.5 * p95_normal + 25, (p95_normal, p95_during)
