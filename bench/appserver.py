"""`appserver`: gunicorn (sync, gthread) vs granian (WSGI) on this machine, to pick one.

Each server runs the same app (bench.settings) with the worker count its documentation
recommends for 2 cores, and wrk (32 connections) measures:
- the seed campaign page rendered on every request (render cache off): the app's real work;
- the minimal Django view: the server's own overhead;
plus the peak RSS of its largest process. No nginx in front: this compares servers.

    .venv/bin/python -m bench.appserver     (BENCH_QUICK=1 for a short run)
"""

from __future__ import annotations

import sys

from bench.common import QUICK, WrkResult, bench_stack, header, running, worker_peak_rss_mib, wrk

SEED = "/en/campaigns/sergei-sakovets/"
# (name, server, workers): sync needs more processes to overlap database waits; gthread
# and granian overlap them with threads, so they run one process per core.
CANDIDATES = [
    ("gunicorn sync, 5 workers", "gunicorn-sync", 5, 1),
    ("gunicorn gthread, 2 workers × 4 threads", "gunicorn-gthread", 2, 4),
    ("granian wsgi, 2 workers × 1 blocking thread", "granian", 2, 1),
    ("granian wsgi, 2 workers × 4 blocking threads", "granian", 2, 4),
    ("granian wsgi, 2 workers × 8 blocking threads", "granian", 2, 8),
]


def _rps(result: WrkResult) -> float:
    return result.requests_per_second


def main() -> int:
    header("appserver: gunicorn vs granian, wrk -c32, no proxy")
    seconds = 10 if not QUICK else 3
    stack = bench_stack("appserver", extra_env={"SOLIDARITY_READER_RENDER_CACHE": "0"})
    best_of: dict[str, tuple[WrkResult, WrkResult, float]] = {}
    with running(stack):
        stack.prepare(fresh=True)
        # Rounds interleave the candidates so that a burst of other load on the machine
        # hurts them all alike; each keeps its best round.
        for round_number in range(1 if QUICK else 2):
            for label, server, workers, threads in CANDIDATES:
                stack.app_threads = threads
                stack.start_app(server=server, workers=workers)
                url = f"http://127.0.0.1:{stack.app_port}"
                page = wrk(url + SEED, seconds=seconds)
                minimal = wrk(url + "/bench/minimal/", seconds=seconds)
                rss = worker_peak_rss_mib(stack)
                stack.stop_process("app")
                print(
                    f"round {round_number + 1}: {label}\n  campaign page  {page.line()}\n  minimal view   {minimal.line()}"
                )
                old = best_of.get(label)
                if old is None or page.requests_per_second > old[0].requests_per_second:
                    best_of[label] = (page, minimal if old is None else max(minimal, old[1], key=_rps), rss)
    print("best of rounds:")
    for label, (page, minimal, rss) in best_of.items():
        print(f"{label}\n  campaign page  {page.line()}\n  minimal view   {minimal.line()}\n  peak RSS {rss:.1f} MiB")
    results = [(label, *values) for label, values in best_of.items()]
    best = max(results, key=lambda r: r[1].requests_per_second)
    print(f"fastest on the campaign page: {best[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
