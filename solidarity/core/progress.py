"""A plain-text progress bar for long management commands (no dependency, no JavaScript)."""

from __future__ import annotations

import time
from typing import Protocol


class Writable(Protocol):
    def write(self, text: str) -> object: ...

    def flush(self) -> object: ...


class ProgressBar:
    """Redraws one line: `[#######.............]  350/1000  35%`. Throttled to ~10 redraws a second."""

    def __init__(self, stream: Writable, label: str = "", width: int = 30) -> None:
        self.stream = stream
        self.label = label
        self.width = width
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.width * done // total if total else self.width
        percent = 100 * done // total if total else 100
        self.stream.write(
            f"\r{self.label}[{'#' * filled}{'.' * (self.width - filled)}] {done:>{len(str(total))}}/{total} {percent:3d}%"
        )
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()
