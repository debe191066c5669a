"""`manage.py run_demo` as a newcomer runs it: card gifts work on 127.0.0.1.

The command runs in a subprocess on free ports with a fresh SQLite database, as
`make demo` runs it. The test gives by card through the Stripe fake's hosted checkout
page over plain HTTP (as a browser without JavaScript would), waits until the webhook has
booked the gift and the task worker has sealed it into the public log, then starts a
monthly gift and stops it through its secret link.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CAMPAIGN = "legal-defence-ihar-m"  # an active demo campaign
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


@dataclass
class Answer:
    status: int
    body: str
    location: str


def request(url: str, data: dict[str, str] | None = None, origin: str | None = None) -> Answer:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    req = urllib.request.Request(url, data=body, headers={"Origin": origin} if origin else {})  # noqa: S310
    try:
        with _opener.open(req, timeout=30) as response:
            return Answer(response.status, response.read().decode(), response.headers.get("Location", ""))
    except urllib.error.HTTPError as exc:  # 3xx (not followed) and 4xx/5xx
        return Answer(exc.code, exc.read().decode(), exc.headers.get("Location", ""))


def wait_for(what: str, condition: Callable[[], Any], limit_s: float = 90.0) -> Any:
    """Poll `condition` until it returns something truthy, or fail after `limit_s`."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@dataclass
class Demo:
    url: str
    stripe_url: str
    process: subprocess.Popen[bytes]
    log: Path

    def totals(self) -> dict[str, Any]:
        return dict(json.loads(request(f"{self.url}/api/v1/campaigns/{CAMPAIGN}").body)["totals"])

    def tree_size(self) -> int:
        return int(json.loads(request(f"{self.url}/public-log/checkpoint.json").body)["tree_size"])

    def send_form(self, path: str, data: dict[str, str]) -> Answer:
        """Open the page, take its form token and send the form, as a browser does."""
        page = request(self.url + path)
        match = TOKEN.search(page.body)
        assert match, f"no form on {path}: {page.status}"
        return request(self.url + path, {**data, "form_token": match.group(1)}, origin=self.url)


def _site_answers(url: str, process: subprocess.Popen[bytes]) -> bool:
    assert process.poll() is None, "run_demo exited while starting"
    try:
        return request(url + "/healthz").status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("run-demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SOLIDARITY_", "STRIPE_"))}
    env.pop("REDIS_URL", None)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'demo.sqlite3'}",
        SOLIDARITY_VAR_DIR=str(tmp / "var"),
        DJANGO_SETTINGS_MODULE="solidarity.settings",
        PYTHONPATH=str(REPO),
    )
    port, stripe_port = free_port(), free_port()
    log = tmp / "run_demo.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "run_demo", "--port", str(port), "--stripe-port", str(stripe_port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    site = Demo(f"http://127.0.0.1:{port}", f"http://127.0.0.1:{stripe_port}", process, log)
    try:
        wait_for("the demo site to answer", lambda: _site_answers(site.url, process), limit_s=240)
        wait_for("run_demo to say it is ready", lambda: "Demo ready" in log.read_text(), limit_s=30)
        yield site
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def pay_on_the_hosted_page(checkout_url: str) -> str:
    """Fill in the fake's checkout form with the test card; returns where it sends the donor."""
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/pay/cs_test_\w+", checkout_url), checkout_url
    page = request(checkout_url)
    assert page.status == 200 and 'name="cardNumber"' in page.body
    card = {
        "email": "donor@example.org",
        "cardNumber": "4242 4242 4242 4242",
        "cardExpiry": "12 / 34",
        "cardCvc": "123",
        "billingName": "A friend",
    }
    paid = request(checkout_url, card)
    assert paid.status == 303, paid.body[:500]
    return paid.location


def test_a_card_gift_is_booked_by_the_webhook_and_sealed_by_the_worker(demo: Demo) -> None:
    before, sealed_before = demo.totals(), demo.tree_size()
    started = demo.send_form(
        f"/en/campaigns/{CAMPAIGN}/donate/",
        {"other_amount": "25", "currency": "EUR", "recurrence": "one_off", "channel": "card"},
    )
    assert started.status == 303, started.body[:500]  # to the checkout page, not 503
    thanks = pay_on_the_hosted_page(started.location)
    assert thanks.startswith(demo.url + "/en/donate/thanks/")

    after = wait_for(
        "the webhook to book the gift",
        lambda: (t := demo.totals())["donations"] == before["donations"] + 1 and t,
    )
    assert after["collected"]["minor"] == before["collected"]["minor"] + 2500
    assert "€25" in request(thanks).body
    wait_for("the worker to seal the gift into the public log", lambda: demo.tree_size() > sealed_before, 60)


def test_a_monthly_card_gift_is_managed_and_stopped_through_its_secret_link(demo: Demo) -> None:
    before = demo.totals()
    started = demo.send_form(
        f"/en/campaigns/{CAMPAIGN}/donate/",
        {"other_amount": "10", "currency": "EUR", "recurrence": "monthly", "channel": "card"},
    )
    assert started.status == 303, started.body[:500]
    thanks = pay_on_the_hosted_page(started.location)
    wait_for("the first monthly payment to be booked", lambda: demo.totals()["donations"] == before["donations"] + 1)
    manage = re.search(r'id="manage-link" href="([^"]+)"', request(thanks).body)
    assert manage, "the thank-you page of a monthly gift links to its secret page"
    page = request(demo.url + manage.group(1)).body
    assert "Payments so far" in page

    # The next month, billed through the fake's control address as docs/payments.md shows.
    events = json.loads(request(f"{demo.stripe_url}/_fake/events", {}).body)["data"]
    subscription = next(e["data"]["object"]["id"] for e in events if e["type"] == "customer.subscription.created")
    assert request(f"{demo.stripe_url}/_fake/renew/{subscription}", {}).status == 200
    wait_for("the renewal to be booked", lambda: demo.totals()["donations"] == before["donations"] + 2)

    stopped = demo.send_form(manage.group(1), {"action": "cancel"})
    assert stopped.status == 200
    assert "Your monthly gift is cancelled." in stopped.body


def test_the_demo_answers_its_health_and_readiness_probes(demo: Demo) -> None:
    """An operator's first check of a fresh demo (issue 17): both probes answer 200."""
    assert request(demo.url + "/healthz").status == 200
    ready = request(demo.url + "/readyz")
    assert ready.status == 200, ready.body
    body = json.loads(ready.body)
    assert body["status"] == "ok" and body["failed"] == [], body
    assert "ledger_verification" in body["checks"]
