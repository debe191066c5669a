"""`page`: how close the full stack comes to the machine's ceilings for a reader page.

1. wrk, 32 connections, the seed campaign page through nginx → app (microcache on)
   vs. nginx serving a saved static copy of the same page — goal ≥ 0.8.
2. wrk, 32 connections, the same page from the app server alone (no nginx, no cache)
   vs. a minimal Django view on the same server and middleware (bench/urls.py) — goal ≥ 0.5.
Each pair is warmed up and then measured in three alternating rounds of 8 seconds; each
URL keeps its best round. Also prints the peak RSS of an app worker during the run.

    .venv/bin/python -m bench.page          (BENCH_QUICK=1 for a short run)
"""

from __future__ import annotations

import sys

from bench.common import (
    QUICK,
    WrkResult,
    bench_stack,
    fetch,
    header,
    ratio_line,
    running,
    worker_peak_rss_mib,
    wrk,
)

SEED = "/en/campaigns/sergei-sakovets/"


def paired_rounds(url: str, baseline_url: str, seconds: int) -> tuple[WrkResult, WrkResult]:
    """Each URL warmed up, then measured in alternating rounds; each keeps its best round.

    The machine's speed drifts (other work, the host), and the first seconds after the
    app starts are slower: alternating gives the page and its baseline the same moments.
    """
    for target in (url, baseline_url):
        wrk(target, seconds=2)
    rounds = 1 if QUICK else 3
    best: dict[str, WrkResult] = {}
    for _ in range(rounds):
        for target in (url, baseline_url):
            result = wrk(target, seconds=seconds)
            if target not in best or result.requests_per_second > best[target].requests_per_second:
                best[target] = result
    return best[url], best[baseline_url]


def main() -> int:
    header("page: seed campaign page, wrk -c32")
    stack = bench_stack("page")
    seconds = 8 if not QUICK else 4
    with running(stack):
        stack.prepare(fresh=True)
        stack.start_app()
        stack.start_nginx()
        proxy = f"http://127.0.0.1:{stack.http_port}"
        app = f"http://127.0.0.1:{stack.app_port}"
        body = fetch(proxy + SEED)
        saved = stack.build / "static" / "saved-campaign.html"
        saved.write_bytes(body)
        print(f"page size {len(body)} bytes; app server: {stack.app_server}, {stack.app_workers} workers")

        full, static = paired_rounds(proxy + SEED, proxy + "/static/saved-campaign.html", seconds)
        print(f"full stack (nginx microcache → app)  {full.line()}")
        print(f"nginx, static copy                   {static.line()}")

        alone, minimal = paired_rounds(app + SEED, app + "/bench/minimal/", seconds)
        print(f"app server alone, campaign page      {alone.line()}")
        print(f"app server alone, minimal view       {minimal.line()}")
        print(f"peak RSS of an app worker: {worker_peak_rss_mib(stack):.1f} MiB")
        print(ratio_line("full stack / static copy", full.requests_per_second, static.requests_per_second, 0.8))
        print(ratio_line("campaign page / minimal view", alone.requests_per_second, minimal.requests_per_second, 0.5))
    return 0


if __name__ == "__main__":
    sys.exit(main())
