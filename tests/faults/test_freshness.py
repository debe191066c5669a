"""Through nginx's microcache, a donation shows on the campaign page within max-age + 1 s
of being applied.

Readers get cached copies (nginx, then the shared render cache); each copy carries only
the lifetime it has left, so the total on the page is never older than max-age seconds.
In `worker` mode (production) the webhook answers once the event is stored and the task
worker applies it within its polling interval (1 s) and the debounce (1 s): the bound
from the answer to Stripe is max-age + 3 s.
"""

from __future__ import annotations

import http.client
import time

import pytest

from bench.storm import WEBHOOK_PATH, _event, sign
from tests.faults.conftest import in_stack

PAGE = "/en/campaigns/legal-defence-ihar-m/"
MAX_AGE = 5

SETUP = """
from decimal import Decimal
from solidarity.campaigns.models import Campaign
from solidarity.core.formatting import format_money
from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent
from solidarity.campaigns.funds import campaign_totals
campaign = Campaign.objects.get(slug="legal-defence-ihar-m")
before = campaign_totals(campaign).collected
gift = Money(Decimal("1234.57"), "EUR")
donation = create_donation_intent(campaign=campaign, amount=gift, channel="card").donation
result = {"id": donation.pk, "before": format_money(before, "en"), "after": format_money(before + gift, "en")}
"""


def _get(port: int, path: str) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    body = response.read().decode()
    conn.close()
    return response.status, response.getheader("X-Cache", ""), body


APPLIED_WITHIN = {"request": 0, "worker": 2}


@pytest.mark.parametrize("mode", ["request", "worker"])
def test_a_donation_shows_through_the_microcache_within_max_age(stack_factory, mode: str) -> None:
    stack = stack_factory(
        f"freshness_{mode}",
        base_port=8297,
        webhook_apply=mode,
        extra_env={"SOLIDARITY_READER_MAX_AGE": str(MAX_AGE)},
    )
    if mode == "worker":
        stack.start_worker()  # first: it boots while the rest is set up
    gift = in_stack(stack, SETUP)
    stack.start_app(workers=1)
    stack.start_nginx()
    assert _get(stack.http_port, PAGE)[0] == 200
    status, cache, body = _get(stack.http_port, PAGE)
    # Served from nginx's copy: fresh (HIT), or just expired and being refreshed behind it (UPDATING).
    assert status == 200 and cache in ("HIT", "UPDATING") and gift["before"] in body

    event = _event(
        "evt_fresh_1",
        "checkout.session.completed",
        {
            "id": "cs_fresh", "object": "checkout.session", "mode": "payment", "payment_status": "paid",
            "status": "complete", "amount_total": 123457, "currency": "eur", "payment_intent": "pi_fresh",
            "subscription": None, "client_reference_id": str(gift["id"]), "metadata": {"donation_id": str(gift["id"])},
        },
    )  # fmt: skip
    conn = http.client.HTTPConnection("127.0.0.1", stack.http_port, timeout=30)
    conn.request("POST", WEBHOOK_PATH, body=event.body, headers={"Stripe-Signature": sign(event.body)})
    answer = conn.getresponse()
    assert answer.status == 200 and f'"{"applied" if mode == "request" else "received"}"'.encode() in answer.read()
    recorded = time.monotonic()

    bound = MAX_AGE + 1 + APPLIED_WITHIN[mode]
    while True:
        status, cache, body = _get(stack.http_port, PAGE)
        if gift["after"] in body:
            break
        assert time.monotonic() < recorded + bound, f"the new total did not show within {bound} s"
        time.sleep(0.1)
    assert gift["before"] not in body
