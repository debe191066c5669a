"""`make setup` runs this first, with the system's Python and nothing but its standard
library: is this Python new enough, and are the system packages there that the set-up
needs? It says plainly what is missing and how to install it (Debian/Ubuntu names).

    python3 deploy/check_system.py              # before creating .venv (make setup)
    python3 deploy/check_system.py --for messages   # make messages: gettext is required too

Exit status 1 when something required is missing; optional things are only reported.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Need:
    what: str  # what the project uses it for
    package: str  # the Debian/Ubuntu package that provides it
    present: bool
    required: bool


def minimum_python() -> tuple[int, int]:
    """The `requires-python` floor in pyproject.toml (">=3.11" → (3, 11)): one source of truth."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    found = re.search(r'^requires-python\s*=\s*">=\s*(\d+)\.(\d+)"', text, re.MULTILINE)
    if not found:
        raise SystemExit('pyproject.toml has no requires-python = ">=X.Y" line')
    return int(found.group(1)), int(found.group(2))


def needs(
    *,
    purpose: str,
    has_module: Callable[[str], bool],
    which: Callable[[str], str | None],
) -> list[Need]:
    """What the set-up needs from the system, and whether each is there."""
    return [
        Need("`make setup` creates .venv with venv and ensurepip", "python3-venv", has_module("ensurepip"), True),
        Need("`make messages` extracts and compiles translations (msgfmt, xgettext)", "gettext",
             bool(which("msgfmt") and which("xgettext")), purpose == "messages"),
        Need("the upgrade test restores a PostgreSQL dump (psql, pg_dump) — CI and production",
             "postgresql-client", bool(which("psql") and which("pg_dump")), False),
        Need("`make test` fetches axe-core for the browser tests' accessibility checks", "npm",
             bool(which("npm")), False),
        Need("the browser tests drive Debian's Chromium", "chromium",
             bool(which("chromium") or Path("/usr/bin/chromium").exists()), False),
    ]  # fmt: skip


def report(version: tuple[int, int, int], minimum: tuple[int, int], found: list[Need]) -> tuple[list[str], bool]:
    """The lines to print, and whether everything required is there."""
    lines: list[str] = []
    ok = True
    have = ".".join(map(str, version))
    want = ".".join(map(str, minimum))
    if version[:2] < minimum:
        ok = False
        lines.append(
            f"MISSING: Python {want} or newer (this is {sys.executable or 'python'} {have}). "
            f"Install python{want} or newer and run `make setup PYTHON=python{want}`."
        )
    else:
        lines.append(f"ok: Python {have} (needs {want} or newer)")
    for need in found:
        if need.present:
            lines.append(f"ok: {need.package}")
        elif need.required:
            ok = False
            lines.append(f"MISSING: {need.package} — {need.what}. Install it: sudo apt-get install {need.package}")
        else:
            lines.append(f"optional, not found: {need.package} — {need.what} (sudo apt-get install {need.package})")
    return lines, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--for", dest="purpose", choices=["setup", "messages"], default="setup")
    args = parser.parse_args(argv)
    found = needs(
        purpose=args.purpose,
        has_module=lambda name: importlib.util.find_spec(name) is not None,
        which=shutil.which,
    )
    lines, ok = report(tuple(sys.version_info[:3]), minimum_python(), found)  # type: ignore[arg-type]
    stream = sys.stdout if ok else sys.stderr
    for line in lines:
        print(line, file=stream)
    if not ok:
        print("Install what is MISSING above, then run the command again.", file=stream)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
