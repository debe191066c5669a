"""`scale`: reader pages at 100 000 campaigns / 5 000 000 postings vs. 1 000 / 10 000.

Two databases are filled by `manage.py generate_load_data` (kept between runs and reused
when their sizes match; `BENCH_SCALE_FRESH=1` regenerates). For each, the app server runs
with the render cache OFF, so every request really renders from the database, and
sequential GETs give p50 and p95 of home, list, campaign, campaign transparency and site
transparency. Goal: large / small ≤ 1.5 for each page.

    .venv/bin/python -m bench.scale         (BENCH_QUICK=1: 20 000 campaigns / 1 000 000 postings)
"""

from __future__ import annotations

import os
import sys
import time

import psycopg

from bench.common import QUICK, bench_stack, header, percentile, running, sample_latencies
from deploy.prodlocal import Stack

SIZES = {"small": (1_000, 10_000), "large": (20_000, 1_000_000) if QUICK else (100_000, 5_000_000)}


def _sizes_match(stack: Stack, campaigns: int, postings: int) -> bool:
    try:
        with psycopg.connect(stack.database_url) as conn:
            row = conn.execute(
                "SELECT (SELECT count(*) FROM campaigns_campaign), (SELECT count(*) FROM ledger_posting)"
            ).fetchone()
    except psycopg.Error:
        return False
    return row == (campaigns, postings)


def _fill(stack: Stack, campaigns: int, postings: int) -> None:
    if os.environ.get("BENCH_SCALE_FRESH") != "1" and _sizes_match(stack, campaigns, postings):
        print(f"reusing {stack.database} ({campaigns} campaigns, {postings} postings)")
        stack.manage("migrate", "--noinput", quiet=True)
        return
    start = time.perf_counter()
    stack.prepare(fresh=True, demo=False)
    stack.manage("generate_load_data", "--campaigns", str(campaigns), "--postings", str(postings), "--yes", quiet=True)
    print(
        f"generated {stack.database}: {campaigns} campaigns, {postings} postings in {time.perf_counter() - start:.0f} s"
    )


def pages(campaigns: int) -> dict[str, str]:
    middle = f"load-{campaigns // 2}"
    return {
        "home": "/en/",
        "list": "/en/campaigns/",
        "campaign": f"/en/campaigns/{middle}/",
        "campaign transparency": f"/en/campaigns/{middle}/transparency/",
        "site transparency": "/en/transparency/",
    }


def measure(stack: Stack, campaigns: int, count: int) -> dict[str, tuple[float, float]]:
    stack.start_app()
    results = {}
    for name, path in pages(campaigns).items():
        samples = sample_latencies(f"http://127.0.0.1:{stack.app_port}{path}", count=count)
        results[name] = (percentile(samples, 50), percentile(samples, 95))
    stack.stop_process("app")
    return results


def main() -> int:
    header("scale: reader pages, small vs large database, render cache off")
    count = 20 if QUICK else 60
    measured = {}
    for label, (campaigns, postings) in SIZES.items():
        stack = bench_stack(f"scale_{label}", extra_env={"SOLIDARITY_READER_RENDER_CACHE": "0"})
        with running(stack):
            _fill(stack, campaigns, postings)
            stack.start_worker()  # refreshes the site-wide figures in the background
            measured[label] = measure(stack, campaigns, count)
        for name, (p50, p95) in measured[label].items():
            print(
                f"{label:5s} {campaigns:>7d} campaigns {postings:>8d} postings  {name:22s} p50 {p50:8.2f} ms  p95 {p95:8.2f} ms"
            )
    worst = 0.0
    for name in measured["small"]:
        small50, small95 = measured["small"][name]
        large50, large95 = measured["large"][name]
        growth = max(large50 / small50, large95 / small95)
        worst = max(worst, growth)
        print(
            f"RATIO {name}: p50 ×{large50 / small50:.2f}, p95 ×{large95 / small95:.2f} (goal ≤ 1.5) {'MET' if growth <= 1.5 else 'NOT MET'}"
        )
    print(f"worst growth ×{worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
