"""`make bench`: every benchmark in turn, each in its own process, output also saved to
build/bench/results-<date>.txt. 10–15 minutes on 2 cores (3 more the first time, to generate
the scale databases); `BENCH_QUICK=1` for a short run.

Each script stops what it started; one failing does not stop the others, but the exit
status says so.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ["bench.page", "bench.appserver", "bench.hotrow", "bench.storm", "bench.scale", "bench.verify"]


def main(argv: list[str]) -> int:
    chosen = [f"bench.{name}" for name in argv] or SCRIPTS
    out_dir = ROOT / "build" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    results = out_dir / f"results-{dt.datetime.now():%Y%m%d-%H%M%S}.txt"
    failed = []
    with results.open("w") as log:
        for module in chosen:
            start = time.monotonic()
            process = subprocess.Popen(
                [sys.executable, "-m", module], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            assert process.stdout is not None
            for line in process.stdout:
                sys.stdout.write(line)
                log.write(line)
            if process.wait() != 0:
                failed.append(module)
            line = f"--- {module}: {time.monotonic() - start:.0f} s, exit {process.returncode}\n"
            sys.stdout.write(line)
            log.write(line)
            log.flush()
    print(f"results saved to {results.relative_to(ROOT)}")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
