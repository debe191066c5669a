"""`verify`: how fast the ledger (and the public log) can be checked, against hashing.

- `verify_ledger` on the large scale database (bench/scale.py, 5 000 000 postings), as
  bytes of ledger rows per second, vs. SHA-256 over the same bytes (the rows as
  `COPY … TO STDOUT` gives them): in memory, and including reading them from PostgreSQL.
  Goal: ≥ 0.3.
- `verify_log` on an exported public log bundle vs. SHA-256 over the bundle's bytes. The
  log is sealed for the small scale database only (sealing 2.5 M transactions takes
  about 10 minutes here; `seal_log` throughput is printed instead).

    .venv/bin/python -m bench.verify        (needs bench.scale's databases; BENCH_QUICK=1 uses its quick size)
"""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from pathlib import Path

import psycopg

from bench.common import bench_stack as _bench_stack
from bench.common import header, running
from bench.scale import SIZES, _fill
from deploy.prodlocal import Stack

TABLES = ("ledger_transaction", "ledger_posting", "ledger_account")


def _copy_bytes(stack: Stack) -> tuple[bytes, float]:
    """The ledger rows as PostgreSQL streams them, and how long reading and hashing took."""
    chunks: list[bytes] = []
    digest = hashlib.sha256()
    start = time.perf_counter()
    with psycopg.connect(stack.database_url) as conn, conn.cursor() as cursor:
        for table in TABLES:
            with cursor.copy(f"COPY {table} TO STDOUT") as copy:
                for block in copy:
                    data = bytes(block)
                    digest.update(data)
                    chunks.append(data)
    return b"".join(chunks), time.perf_counter() - start


def _sha_seconds(data: bytes) -> float:
    start = time.perf_counter()
    hashlib.sha256(data).hexdigest()
    return time.perf_counter() - start


def _timed_manage(stack: Stack, *args: str) -> float:
    start = time.perf_counter()
    stack.manage(*args, quiet=True)
    return time.perf_counter() - start


def _bundle_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file())


def main() -> int:
    header("verify: verify_ledger and verify_log vs. SHA-256 over the same bytes")
    campaigns, postings = SIZES["large"]
    large = _bench_stack("scale_large", extra_env={"SOLIDARITY_READER_RENDER_CACHE": "0"})
    with running(large):
        _fill(large, campaigns, postings)
        data, copy_and_hash = _copy_bytes(large)
        sha = min(_sha_seconds(data) for _ in range(3))
        verify = _timed_manage(large, "verify_ledger")
    mb = len(data) / 1e6
    print(f"ledger rows: {postings} postings, {mb:.0f} MB as COPY text")
    print(f"verify_ledger            {verify:8.2f} s  {mb / verify:8.1f} MB/s")
    print(f"sha256 in memory         {sha:8.2f} s  {mb / sha:8.1f} MB/s")
    print(f"COPY from PostgreSQL + sha256 {copy_and_hash:5.2f} s  {mb / copy_and_hash:8.1f} MB/s")
    print(
        f"RATIO verify_ledger / sha256: {sha / verify:.3f} (goal ≥ 0.3) {'MET' if sha / verify >= 0.3 else 'NOT MET'}"
    )
    print(f"RATIO verify_ledger / (COPY + sha256): {copy_and_hash / verify:.3f}")

    small_campaigns, small_postings = SIZES["small"]
    small = _bench_stack("scale_small", extra_env={"SOLIDARITY_READER_RENDER_CACHE": "0"})
    with running(small):
        _fill(small, small_campaigns, small_postings)
        start = time.perf_counter()
        sealed_out = small.manage("seal_log", quiet=True).stdout
        seal = time.perf_counter() - start
        bundle = small.build / "log-bundle"
        shutil.rmtree(bundle, ignore_errors=True)
        small.manage("export_log", str(bundle), quiet=True)
        verify_log = min(_timed_manage(small, "verify_log", str(bundle)) for _ in range(3))
    bundle_data = _bundle_bytes(bundle)
    sha_bundle = min(_sha_seconds(bundle_data) for _ in range(5))
    kb = len(bundle_data) / 1e3
    print(f"seal_log: {sealed_out.strip()} — {seal:.2f} s, process start included")
    print(
        f"verify_log on the exported bundle ({kb:.0f} kB): {verify_log:.2f} s (process start included); sha256: {sha_bundle * 1000:.2f} ms"
    )
    print(f"RATIO verify_log / sha256: {sha_bundle / verify_log:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
