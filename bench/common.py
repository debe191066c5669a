"""What the benchmark scripts share: the local stack, wrk, latency sampling and memory.

Every script starts what it needs through deploy/prodlocal.py's `Stack` (its own
PostgreSQL database, nginx on a port of its own) and stops it at the end, prints its
figures and the ratio against a baseline measured in the same run. `BENCH_QUICK=1`
shortens every run (fewer requests, shorter wrk runs, smaller data) for a smoke test.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from deploy.prodlocal import Stack, ensure_apt_packages, pid_alive  # noqa: E402

QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
BENCH_BUILD = ROOT / "build" / "bench"


def header(title: str) -> None:
    print(f"\n=== {title} — {dt.date.today().isoformat()}, {os.cpu_count()} cores{' (BENCH_QUICK)' if QUICK else ''}")


def bench_stack(name: str, **kwargs: object) -> Stack:
    """A stack for one benchmark: database `solidarity_bench_<name>`, build/bench/<name>/."""
    defaults: dict[str, object] = {
        "build": BENCH_BUILD / name,
        "database": f"solidarity_bench_{name}",
        "http_port": 8180,
        "app_port": 8181,
        "redis_url": "redis://127.0.0.1:6379/3",
    }
    defaults.update(kwargs)
    stack = Stack(**defaults)  # type: ignore[arg-type]
    stack.extra_env.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    return stack


def use_stack_in_process(stack: Stack) -> None:
    """Configure Django in this process against the stack's database (for set-up and checks)."""
    os.environ.update(stack.env())
    import django

    django.setup()


@contextmanager
def running(stack: Stack) -> Iterator[Stack]:
    try:
        yield stack
    finally:
        stack.stop_all()


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    non_2xx: int

    def line(self) -> str:
        return (
            f"{self.requests_per_second:9.1f} req/s   p50 {self.p50_ms:7.2f} ms   p99 {self.p99_ms:7.2f} ms"
            f"   errors {self.errors}   non-2xx {self.non_2xx}"
        )


def _ms(text: str) -> float:
    m = re.match(r"([\d.]+)(us|ms|s)", text)
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def wrk(url: str, *, connections: int = 32, seconds: int = 15, threads: int = 2) -> WrkResult:
    """Run wrk against a loopback URL and parse its summary."""
    ensure_apt_packages("wrk")
    if QUICK:
        seconds = min(seconds, 4)
    command = ["wrk", "--latency", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", url]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"50%\s+(\S+)", out)
    p99 = re.search(r"99%\s+(\S+)", out)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(
        requests_per_second=rps,
        p50_ms=_ms(p50.group(1)) if p50 else float("nan"),
        p99_ms=_ms(p99.group(1)) if p99 else float("nan"),
        errors=errors,
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
    )


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def sample_latencies(url: str, *, count: int, warmup: int = 5) -> list[float]:
    """Sequential GETs (one at a time, so each is the page's own cost): milliseconds each."""
    for _ in range(warmup):
        fetch(url)
    times = []
    for _ in range(count):
        start = time.perf_counter()
        fetch(url)
        times.append((time.perf_counter() - start) * 1000)
    return times


def fetch(url: str, *, timeout: float = 60) -> bytes:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
        if response.status != 200:
            raise RuntimeError(f"{url} answered {response.status}")
        return bytes(response.read())


def summary(samples: list[float]) -> str:
    return f"p50 {percentile(samples, 50):7.2f} ms  p95 {percentile(samples, 95):7.2f} ms  mean {statistics.fmean(samples):7.2f} ms"


def descendants(pid: int) -> list[int]:
    """Every process below `pid` (granian and gunicorn workers are children of the master)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def peak_rss_mib(pid: int) -> float:
    """VmHWM (peak resident set) of one process, in MiB; 0 when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


def worker_peak_rss_mib(stack: Stack, name: str = "app") -> float:
    """The largest peak RSS among the app server's processes (a worker, usually)."""
    master = stack.pid(name)
    if master is None or not pid_alive(master):
        return 0.0
    return max([peak_rss_mib(p) for p in [master, *descendants(master)]] or [0.0])


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` and every process below it, in seconds."""
    total = 0
    for p in [pid, *descendants(pid)]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def ratio_line(name: str, value: float, baseline: float, goal: float, *, higher_is_better: bool = True) -> str:
    r = value / baseline if baseline else float("nan")
    ok = r >= goal if higher_is_better else r <= goal
    relation = "≥" if higher_is_better else "≤"
    return f"RATIO {name}: {r:.3f} (goal {relation} {goal}) {'MET' if ok else 'NOT MET'}"


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start
