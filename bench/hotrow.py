"""`hotrow`: where a campaign's total comes from, under concurrent donations to ONE campaign.

Designs, each settling real donations through `settle_donation` (donation row lock,
balanced postings, commit) from 8 concurrent processes on PostgreSQL:

  (a) append-only postings, total summed on read            — what the product does;
  (b) + one counter row per campaign, UPDATEd in the payment transaction (the hot row);
  (c) + sharded counters: 16 rows per campaign, one picked at random per donation;
  (d) an asynchronously refreshed aggregate: the write path is (a); a worker re-sums the
      postings into a snapshot every few seconds, and readers read the snapshot.

Write throughput (donations/s) is measured for (a), (b), (c) — also with every commit held
20 ms longer (pg_sleep before COMMIT), which is what a synchronous standby in another
data centre costs and what makes a shared row's lock expensive; read cost for (a) (SUM over
the campaign's postings, as `campaign_totals` does), (c) (SUM over 16 shards) and (d) (one
row) once the campaign holds the donations of this run. The prototypes of (b)–(d) live only
here, in tables prefixed bench_.

    .venv/bin/python -m bench.hotrow        (BENCH_QUICK=1 for a short run)
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import random
import sys
import time
from decimal import Decimal

from bench.common import QUICK, bench_stack, header, percentile, use_stack_in_process

PROCESSES = 8
SHARDS = 16


def _settle_many(
    design: str, ids: list[int], campaign_id: int, out: multiprocessing.Queue[float], commit_delay: float = 0.0
) -> None:
    from django.db import connection, transaction

    from solidarity.core.money import Money
    from solidarity.donations.models import Donation
    from solidarity.donations.settlement import settle_donation
    from solidarity.ledger.models import AccountPurpose

    connection.close()  # never share the parent's connection across fork
    rng = random.Random(ids[0] if ids else 0)
    start = time.perf_counter()
    for donation_id in ids:
        donation = Donation.objects.select_related("campaign").get(pk=donation_id)
        amount = Money(Decimal(rng.randrange(200, 5000)) / 100, "EUR")
        with transaction.atomic():
            settle_donation(
                donation=donation,
                received=amount,
                settled_on=dt.date.today(),
                asset=AccountPurpose.CARD_PROCESSOR,
                key=f"bench-hotrow:{design}:{donation_id}",
            )
            if design == "counter":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE bench_counter SET collected = collected + %s WHERE campaign_id = %s AND shard = 0",
                        [amount.minor, campaign_id],
                    )
            elif design == "sharded":
                with connection.cursor() as cursor:
                    cursor.execute(
                        "UPDATE bench_counter SET collected = collected + %s WHERE campaign_id = %s AND shard = %s",
                        [amount.minor, campaign_id, rng.randrange(SHARDS)],
                    )
            if commit_delay:
                # Stands for a slow commit (a synchronous standby far away): every lock taken
                # above is held this much longer.
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_sleep(%s)", [commit_delay])
    out.put(time.perf_counter() - start)
    connection.close()


def _pending(campaign: object, count: int) -> list[int]:
    from solidarity.core.money import Money
    from solidarity.donations.intents import create_donation_intent

    return [
        create_donation_intent(campaign=campaign, amount=Money(Decimal("10"), "EUR"), channel="card").donation.pk  # type: ignore[arg-type]
        for _ in range(count)
    ]


def _write_rate(design: str, campaign: object, count: int, commit_delay: float = 0.0) -> float:
    from django.db import connection

    ids = _pending(campaign, count)
    connection.close()
    ctx = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[float] = ctx.Queue()
    slices = [ids[i::PROCESSES] for i in range(PROCESSES)]
    started = time.perf_counter()
    workers = [
        ctx.Process(target=_settle_many, args=(design, s, campaign.pk, out, commit_delay))  # type: ignore[attr-defined]
        for s in slices
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    if any(w.exitcode for w in workers):
        raise RuntimeError(f"a writer failed in design {design}")
    return count / elapsed


def _read_ms(fn: object, repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return percentile(samples, 50), percentile(samples, 95)


def main() -> int:
    count = 400 if QUICK else 3000
    header(f"hotrow: {count} donations to one campaign per design, {PROCESSES} concurrent writers")
    stack = bench_stack("hotrow")
    stack.prepare(fresh=True, demo=True)
    use_stack_in_process(stack)
    from django.db import connection

    from solidarity.campaigns.funds import campaign_totals
    from solidarity.campaigns.models import Campaign

    campaign = Campaign.objects.get(slug="legal-defence-ihar-m")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_counter (campaign_id bigint, shard int, collected bigint NOT NULL, "
            "PRIMARY KEY (campaign_id, shard))"
        )
        cursor.execute(
            "INSERT INTO bench_counter SELECT %s, s, 0 FROM generate_series(0, %s) s ON CONFLICT DO NOTHING",
            [campaign.pk, SHARDS - 1],
        )
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_snapshot (campaign_id bigint PRIMARY KEY, collected bigint NOT NULL, "
            "refreshed_at timestamptz NOT NULL)"
        )
    rates = {}
    for design, label in [
        ("postings", "(a) append-only postings, sum on read"),
        ("counter", "(b) + one counter row per campaign (hot row)"),
        ("sharded", f"(c) + {SHARDS} sharded counter rows"),
        ("postings", "(a) again (drift check)"),
    ]:
        rates[label] = _write_rate(design, campaign, count)
        print(f"write  {label:48s} {rates[label]:8.1f} donations/s")

    slow = 20 if QUICK else 500
    for design, label in [
        ("postings", "(a) append-only, commit held 20 ms longer"),
        ("counter", "(b) hot row, commit held 20 ms longer"),
        ("sharded", "(c) sharded, commit held 20 ms longer"),
    ]:
        rates[label] = _write_rate(design, campaign, slow, commit_delay=0.02)
        print(f"write  {label:48s} {rates[label]:8.1f} donations/s")

    def read_sum() -> object:
        return campaign_totals(campaign)

    def read_shards() -> object:
        with connection.cursor() as cursor:
            cursor.execute("SELECT SUM(collected) FROM bench_counter WHERE campaign_id = %s", [campaign.pk])
            return cursor.fetchone()

    def refresh_snapshot() -> None:
        totals = campaign_totals(campaign)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO bench_snapshot VALUES (%s, %s, now()) ON CONFLICT (campaign_id) "
                "DO UPDATE SET collected = EXCLUDED.collected, refreshed_at = now()",
                [campaign.pk, totals.collected.minor],
            )

    def read_snapshot() -> object:
        with connection.cursor() as cursor:
            cursor.execute("SELECT collected FROM bench_snapshot WHERE campaign_id = %s", [campaign.pk])
            return cursor.fetchone()

    refresh_snapshot()
    postings = campaign_totals(campaign).donations
    for label, fn in [
        ("(a) campaign_totals: SUM over postings", read_sum),
        ("(c) SUM over shard rows", read_shards),
        ("(d) snapshot row", read_snapshot),
        ("(d) the worker's refresh (per campaign)", refresh_snapshot),
    ]:
        p50, p95 = _read_ms(fn, 50 if QUICK else 200)
        print(f"read   {label:48s} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms   ({postings} donations on the campaign)")
    a = rates["(a) append-only postings, sum on read"]
    b = rates["(b) + one counter row per campaign (hot row)"]
    c = rates[f"(c) + {SHARDS} sharded counter rows"]
    print(f"RATIO hot row / append-only writes: {b / a:.3f}; sharded / append-only: {c / a:.3f}")
    a20 = rates["(a) append-only, commit held 20 ms longer"]
    b20 = rates["(b) hot row, commit held 20 ms longer"]
    c20 = rates["(c) sharded, commit held 20 ms longer"]
    print(f"RATIO with 20 ms commits: hot row / append-only: {b20 / a20:.3f}; sharded / append-only: {c20 / a20:.3f}")
    connection.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
