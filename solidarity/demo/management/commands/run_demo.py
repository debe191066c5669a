"""`manage.py run_demo`: the whole demo on 127.0.0.1, card payments included.

It migrates, loads the demo data and seals the public log, then starts the project's
Stripe-compatible fake (solidarity/demo/stripe_fake) in this process, points the site's
Stripe settings at it (STRIPE_API_BASE, STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRETS,
STRIPE_CHECKOUT_ORIGIN) and runs two children with those settings: the development server
and the task worker (`db_worker`), which seals new ledger transactions into the public
log within seconds.  The fake posts signed webhooks to the server's webhook address.
Ctrl-C stops everything.  Never for production: the fake keeps its state in memory.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidarity.demo.stripe_fake import StripeFake
from solidarity.demo.stripe_fake.signing import new_secret

MANAGE_PY = Path(settings.BASE_DIR) / "manage.py"


class Command(BaseCommand):
    help = "Run the demo: the site, the task worker and a local Stripe-compatible server for card gifts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000, help="the site's port on 127.0.0.1 (default 8000)")
        parser.add_argument(
            "--stripe-port", type=int, default=12111, help="the Stripe fake's port on 127.0.0.1 (default 12111)"
        )
        parser.add_argument("--skip-setup", action="store_true", help="do not migrate, load the demo or seal the log")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("run_demo is for development only (DJANGO_DEBUG is off)")
        site_url = f"http://127.0.0.1:{options['port']}"
        if not options["skip_setup"]:
            call_command("migrate", interactive=False, verbosity=0)
            call_command("load_demo", stdout=self.stdout)
            call_command("seal_log", verbosity=0)
            call_command("verify_ledger", verbosity=0)  # so /readyz answers 200 from the start
        try:
            fake = StripeFake(port=options["stripe_port"]).start()
        except OSError as exc:
            raise CommandError(
                f"the Stripe fake cannot listen on 127.0.0.1:{options['stripe_port']} ({exc}); "
                "pick another port with --stripe-port"
            ) from exc
        secret = new_secret()
        fake.add_webhook_endpoint(f"{site_url}/payments/stripe/webhook/", secret)
        env = {
            **os.environ,
            "SOLIDARITY_PUBLIC_URL": site_url,
            "STRIPE_SECRET_KEY": fake.api_key,
            "STRIPE_API_BASE": fake.url,
            "STRIPE_CHECKOUT_ORIGIN": fake.url,
            "STRIPE_WEBHOOK_SECRETS": secret,
        }
        python = [sys.executable, str(MANAGE_PY)]
        children = [
            subprocess.Popen([*python, "runserver", f"127.0.0.1:{options['port']}", "--noreload"], env=env),  # noqa: S603
            subprocess.Popen([*python, "db_worker", "--no-startup-delay"], env=env),  # noqa: S603
        ]
        stopping = False

        def stop(*_: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        try:
            self._wait_until_serving(site_url, children)
            self.stdout.write(f"Stripe fake (card payments): {fake.url}, test card 4242 4242 4242 4242")
            self.stdout.write(f"Demo ready: {site_url}/en/  (Ctrl-C stops the site, the worker and the fake)")
            self.stdout.flush()
            while not stopping and all(child.poll() is None for child in children):
                time.sleep(0.2)
        except KeyboardInterrupt:  # Ctrl-C reaches the children too: they stop on their own
            stopping = True
        finally:
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    child.kill()
            fake.stop()
        names = ("the server", "the task worker")
        failed = [
            name for name, child in zip(names, children, strict=True) if child.returncode not in (0, -signal.SIGTERM)
        ]
        if failed and not stopping:
            raise CommandError(f"stopped because {' and '.join(failed)} exited")

    def _wait_until_serving(self, url: str, children: list[subprocess.Popen[bytes]], limit_s: float = 60) -> None:
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            if any(child.poll() is not None for child in children):
                raise CommandError("the server or the worker exited while starting")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):  # noqa: S310  # nosec B310
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise CommandError(f"the site did not answer at {url} within {limit_s:.0f} s")
