"""`scale`: reader pages at 100 000 campaigns / 5 000 000 postings vs. 1 000 / 10 000.

Two databases are filled by `manage.py generate_load_data` (kept between runs and reused
when their sizes match; `BENCH_SCALE_FRESH=1` regenerates). For each, the app server runs
with the render cache OFF, so every request really renders from the database; both app
servers run at once and sequential GETs alternate between them (one to the small, one to
the large database), which gives p50 and p95 of home, list, campaign, campaign
transparency and site transparency on the same machine at the same moments. Goal:
large / small ≤ 1.5 for each page.

    .venv/bin/python -m bench.scale         (BENCH_QUICK=1: 20 000 campaigns / 1 000 000 postings)
"""

from __future__ import annotations

import os
import sys
import time

import psycopg

from bench.common import QUICK, bench_stack, header, percentile, sample_latencies
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
        stack.manage("migrate", "--noinput", quiet=True, role="owner")
        return
    start = time.perf_counter()
    stack.prepare(fresh=True, demo=False)
    # As the superuser: bulk loading switches the ledger's guards off for its own COPY.
    stack.manage(
        "generate_load_data", "--campaigns", str(campaigns), "--postings", str(postings), "--yes",
        quiet=True, role="superuser",
    )  # fmt: skip
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


def measure(
    stacks: dict[str, Stack], paths: dict[str, dict[str, str]], count: int
) -> dict[str, dict[str, list[float]]]:
    """Latencies of every page on every stack, the stacks' requests interleaved.

    One request to the small database, then one to the large, and so on: the machine's
    speed drifts over minutes (by 2–4× here), and interleaving gives both sizes the same
    machine, so the ratio measures the data and not the drift.
    """
    samples: dict[str, dict[str, list[float]]] = {label: {} for label in stacks}
    for name in next(iter(paths.values())):
        urls = {label: f"http://127.0.0.1:{stack.app_port}{paths[label][name]}" for label, stack in stacks.items()}
        for label, url in urls.items():
            sample_latencies(url, count=0)  # the warm-up only
            samples[label][name] = []
        for _ in range(count):
            for label, url in urls.items():
                samples[label][name] += sample_latencies(url, count=1, warmup=0)
    return samples


def main() -> int:
    header("scale: reader pages, small vs large database, render cache off")
    count = 20 if QUICK else 60
    stacks = {
        label: bench_stack(
            f"scale_{label}",
            app_port=8181 + 10 * n,
            http_port=8180 + 10 * n,
            redis_url=f"redis://127.0.0.1:6379/{3 + 4 * n}",  # site figures cached apart
            extra_env={"SOLIDARITY_READER_RENDER_CACHE": "0"},
        )
        for n, label in enumerate(SIZES)
    }
    try:
        for label, (campaigns, postings) in SIZES.items():
            _fill(stacks[label], campaigns, postings)
        for stack in stacks.values():
            stack.start_worker()  # refreshes the site-wide figures in the background
            stack.start_app()
        measured = measure(stacks, {label: pages(SIZES[label][0]) for label in SIZES}, count)
    finally:
        for stack in stacks.values():
            stack.stop_all()
    results = {
        label: {name: (percentile(v, 50), percentile(v, 95)) for name, v in by_page.items()}
        for label, by_page in measured.items()
    }
    for label, (campaigns, postings) in SIZES.items():
        for name, (p50, p95) in results[label].items():
            print(
                f"{label:5s} {campaigns:>7d} campaigns {postings:>8d} postings  {name:22s} p50 {p50:8.2f} ms  p95 {p95:8.2f} ms"
            )
    worst = 0.0
    for name in results["small"]:
        small50, small95 = results["small"][name]
        large50, large95 = results["large"][name]
        growth = max(large50 / small50, large95 / small95)
        worst = max(worst, growth)
        print(
            f"RATIO {name}: p50 ×{large50 / small50:.2f}, p95 ×{large95 / small95:.2f} (goal ≤ 1.5) {'MET' if growth <= 1.5 else 'NOT MET'}"
        )
    print(f"worst growth ×{worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
