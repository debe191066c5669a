"""Run the ``localstripe`` package as a subprocess on 127.0.0.1 for SDK tests.

localstripe (PyPI) implements a broad slice of the PaymentIntent, Customer,
Plan, Subscription and Invoice API with its own rules; it has no Checkout
Sessions, hence our ``StripeFake``.  It is started through
``_localstripe_launcher.py`` (loopback only, no state on disk), readiness is
polled with a deadline, and ``reset()`` uses localstripe's flush endpoint
``DELETE /_config/data`` plus the launcher's webhook clearing.
"""

from __future__ import annotations

import collections
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import stripe

_LAUNCHER = Path(__file__).with_name("_localstripe_launcher.py")
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class LocalStripe:
    """A localstripe server process: ``start()``, ``url``, ``client()``, ``reset()``, ``stop()``."""

    def __init__(self, api_key: str = "sk_test_localstripe", startup_timeout: float = 30.0) -> None:
        self.api_key = api_key
        self.startup_timeout = startup_timeout
        self.port: int | None = None
        self.output: collections.deque[str] = collections.deque(maxlen=200)
        self._proc: subprocess.Popen[str] | None = None
        self._port_seen = threading.Event()

    @property
    def url(self) -> str:
        if self.port is None:
            raise RuntimeError("localstripe is not started")
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalStripe:
        self._proc = subprocess.Popen(
            [sys.executable, str(_LAUNCHER), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self._proc.stdout is not None
        threading.Thread(target=self._drain, args=(self._proc.stdout,), name="localstripe-log", daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        if not self._port_seen.wait(self.startup_timeout):
            self.stop()
            raise RuntimeError("localstripe did not report its port:\n" + self.log())
        while not self._ready():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("localstripe did not become ready:\n" + self.log())
            time.sleep(0.05)  # poll interval, bounded by the deadline above
        return self

    def _drain(self, stream: IO[str]) -> None:
        """Read the child's output forever (a full pipe would block it); note the port line."""
        for line in stream:
            self.output.append(line.rstrip())
            if line.startswith("LISTENING ") and self.port is None:
                self.port = int(line.split()[1])
                self._port_seen.set()

    def _ready(self) -> bool:
        try:
            request = urllib.request.Request(  # noqa: S310 (our own 127.0.0.1 URL)
                f"{self.url}/v1/balance", headers={"Authorization": f"Bearer {self.api_key}"}
            )
            with _OPENER.open(request, timeout=1) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def _call(self, method: str, path: str, data: bytes | None = None) -> None:
        headers = {"Authorization": f"Bearer {self.api_key}"}
        request = urllib.request.Request(f"{self.url}{path}", data=data, method=method, headers=headers)  # noqa: S310
        with _OPENER.open(request, timeout=5):
            pass

    def reset(self) -> None:
        """Forget every object (``DELETE /_config/data``) and every registered webhook."""
        self._call("DELETE", "/_config/data")
        self._call("DELETE", "/_harness/webhooks")

    def add_webhook(self, url: str, secret: str, events: list[str] | None = None, name: str = "test") -> None:
        """Register a webhook (``POST /_config/webhooks/<name>``); localstripe sends after about 1 s."""
        from urllib.parse import urlencode

        fields = [("url", url), ("secret", secret)] + [(f"events[{i}]", e) for i, e in enumerate(events or [])]
        self._call("POST", f"/_config/webhooks/{name}", urlencode(fields).encode())

    def client(self, max_network_retries: int = 0) -> stripe.StripeClient:
        return stripe.StripeClient(
            self.api_key, base_addresses={"api": self.url}, max_network_retries=max_network_retries
        )

    def log(self) -> str:
        return "\n".join(self.output)

    def stop(self) -> None:
        if self._proc is None:
            return
        if self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(timeout=10)
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        self._proc = None
