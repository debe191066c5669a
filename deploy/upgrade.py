"""Upgrade (or roll back) one machine of a production install (docs/upgrades.md).

Each release lives in its own folder with its own virtual environment; `/srv/solidarity/app`
is a symlink to the one that runs (the systemd units in deploy/systemd start everything
from there) and `/srv/solidarity/previous` to the one before. As root, from the new
release's checkout (`git clone … /srv/solidarity/releases/2026-12-06`):

    python3 deploy/upgrade.py upgrade /srv/solidarity/releases/2026-12-06
    python3 deploy/upgrade.py upgrade … --skip-migrate   # the 2nd…Nth app machine
    python3 deploy/upgrade.py rollback                   # back to /srv/solidarity/previous
    … --dry-run                                          # print every step, change nothing

`make upgrade` (in the new release's checkout) and `make rollback` run the same. The steps, each stopping the
upgrade when it fails, before anything the running site uses has changed:

1. `make prod-install` into the new release's own .venv (requirements/prod.lock, hashes);
2. `manage.py check --deploy` with the production environment, as the `solidarity` user;
3. `manage.py migrate` as the database owner (owner.env), exactly as solidarity-migrate
   does; the previous release keeps serving meanwhile, which `manage.py lint_migrations`
   makes safe;
4. `manage.py collectstatic` (into DJANGO_STATIC_ROOT);
5. the `app` symlink switched to the new release in one rename, `previous` to the old one;
6. a rolling restart: each task worker in turn (each finishes its task), then the app
   server, then waiting until /readyz answers 200 (then the next machine may go);
7. `solidarity-cron@verify_ledger`: the ledger verified by the new code.

A rollback switches the symlinks back and restarts the same way; the migrations stay, as
the previous release runs on them (that is what the linter checks).
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ENV = Path("/etc/solidarity/solidarity.env")
OWNER_ENV = Path("/etc/solidarity/owner.env")
APP_UNIT = "solidarity-app.service"
WORKERS = "solidarity-worker@*.service"
READY_URL = "http://127.0.0.1:8081/readyz"


class UpgradeFailed(Exception):
    pass


def run_for_real(command: Sequence[str]) -> str:
    print("$ " + shlex.join(command), flush=True)
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    sys.stdout.write(result.stdout)
    sys.stderr.write(result.stderr)
    if result.returncode:
        raise UpgradeFailed(f"{shlex.join(command)} exited with {result.returncode}")
    return result.stdout


def probe(url: str, host: str) -> int:
    request = urllib.request.Request(url, headers={"Host": host, "X-Forwarded-Proto": "https"})  # noqa: S310 (a fixed http URL)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


@dataclass
class Machine:
    """One machine's install under `base`; `run` executes a command (or only prints it)."""

    base: Path = Path("/srv/solidarity")
    run: Callable[[Sequence[str]], str] = run_for_real
    ready: Callable[[], int] | None = None
    dry_run: bool = False
    ready_timeout: float = 120.0
    user: str = "solidarity"
    app: Path = field(init=False)  # the running release (a symlink)
    previous: Path = field(init=False)  # the one before

    def __post_init__(self) -> None:
        self.app, self.previous = self.base / "app", self.base / "previous"

    def as_app(self, release: Path, *args: str, owner: bool = False) -> None:
        """manage.py in `release` as the app's user with the production environment (as the units run it)."""
        env_files = [ENV, OWNER_ENV] if owner else [ENV]
        self.run(
            [
                "systemd-run", "--wait", "--pipe", "--collect", "--quiet",
                f"--uid={self.user}", f"--gid={self.user}", f"--working-directory={release}",
                *(f"--property=EnvironmentFile={path}" for path in env_files),
                str(release / ".venv" / "bin" / "python"), "manage.py", *args,
            ]
        )  # fmt: skip

    def switch(self, to: Path) -> None:
        """Point `app` at `to` and `previous` at what `app` was, each with one atomic rename."""
        current = self.app.resolve() if self.app.is_symlink() else None
        print(f"# app → {to}" + (f", previous → {current}" if current else ""), flush=True)
        if self.dry_run:
            return
        for link, target in ((self.previous, current), (self.app, to)):
            if target is None:
                continue
            staging = link.with_name(link.name + ".new")
            staging.unlink(missing_ok=True)
            staging.symlink_to(target)
            os.replace(staging, link)

    def rolling_restart(self) -> None:
        listed = self.run(["systemctl", "list-units", "--plain", "--no-legend", "--state=active", WORKERS])
        for worker in [line.split()[0] for line in listed.splitlines() if line.strip()]:
            self.run(["systemctl", "restart", worker])
        self.run(["systemctl", "restart", APP_UNIT])
        self.wait_until_ready()

    def wait_until_ready(self) -> None:
        if self.dry_run or self.ready is None:
            print(f"# then wait until {READY_URL} answers 200", flush=True)
            return
        deadline = time.monotonic() + self.ready_timeout
        status = 0
        while time.monotonic() < deadline:
            status = self.ready()
            if status == 200:
                print("# /readyz: 200", flush=True)
                return
            time.sleep(1)
        raise UpgradeFailed(f"/readyz answered {status or 'nothing'} for {self.ready_timeout:.0f} s after the restart")

    def upgrade(self, release: Path, *, migrate: bool = True) -> None:
        release = release.resolve()
        if not (release / "manage.py").is_file():
            raise UpgradeFailed(f"{release} is not a checkout of Solidarity (no manage.py)")
        if self.app.is_symlink() and self.app.resolve() == release:
            raise UpgradeFailed(f"{release} already runs")
        if self.app.exists() and not self.app.is_symlink():
            raise UpgradeFailed(
                f"{self.app} is a folder, not a symlink to a release. Once, with the site stopped or not: "
                f"mv {self.app} {self.base}/releases/first && ln -s {self.base}/releases/first {self.app}"
            )
        self.run(["make", "-C", str(release), "prod-install", f"PROD_VENV={release / '.venv'}"])
        self.as_app(release, "check", "--deploy", "--fail-level", "WARNING")
        if migrate:
            self.as_app(release, "migrate", "--noinput", owner=True)
        self.as_app(release, "collectstatic", "--noinput")
        self.switch(release)
        self.rolling_restart()
        self.run(["systemctl", "start", "solidarity-cron@verify_ledger.service"])

    def rollback(self) -> None:
        if not self.previous.is_symlink():
            raise UpgradeFailed(f"{self.previous} does not exist: there is no release to go back to")
        release = self.previous.resolve()
        self.as_app(release, "check", "--deploy", "--fail-level", "WARNING")
        self.switch(release)
        self.rolling_restart()
        self.run(["systemctl", "start", "solidarity-cron@verify_ledger.service"])


def allowed_host(env_file: Path) -> str:
    for line in env_file.read_text().splitlines() if env_file.is_file() else []:
        if line.startswith("DJANGO_ALLOWED_HOSTS="):
            return line.partition("=")[2].strip().strip("'\"").split(",")[0].strip()
    return "localhost"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["upgrade", "rollback"])
    parser.add_argument("release", nargs="?", type=Path, help="the new release's checkout (upgrade)")
    parser.add_argument("--base", type=Path, default=Path("/srv/solidarity"))
    parser.add_argument("--skip-migrate", action="store_true", help="another machine already migrated")
    parser.add_argument("--dry-run", action="store_true", help="print the steps, change nothing")
    args = parser.parse_args(argv)

    def dry(command: Sequence[str]) -> str:
        print("$ " + shlex.join(command), flush=True)
        return ""

    host = allowed_host(ENV)
    machine = Machine(
        base=args.base,
        run=dry if args.dry_run else run_for_real,
        ready=lambda: probe(READY_URL, host),
        dry_run=args.dry_run,
    )
    try:
        if args.action == "upgrade":
            if args.release is None:
                parser.error("upgrade needs the new release's folder")
            machine.upgrade(args.release, migrate=not args.skip_migrate)
        else:
            machine.rollback()
    except UpgradeFailed as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        print(
            "Nothing after the failed step ran. Before the switch, the old release still serves; after "
            "it, `python3 deploy/upgrade.py rollback` goes back (docs/upgrades.md).",
            file=sys.stderr,
        )
        return 1
    print(f"done: {machine.app} → {machine.app.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
