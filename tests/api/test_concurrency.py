"""Two identical requests at once against the live server: one runs, the other gets 409."""

from __future__ import annotations

import threading
from typing import Any
from unittest import mock

import requests

from solidarity.api import staff_donations
from solidarity.donations.models import Donation
from tests.api.conftest import staff_token
from tests.factories import active_campaign

KEY = "0c4b8a52-51f4-4d36-93c1-6d3f0e8e2b77"


def test_a_concurrent_duplicate_gets_409_and_a_later_one_the_replay(live_server: Any, transactional_db: Any) -> None:
    campaign = active_campaign()
    finance = staff_token("finance")
    inside, release = threading.Event(), threading.Event()
    real = staff_donations.record_staff_donation

    def slow(**kwargs: Any) -> Any:
        inside.set()
        assert release.wait(timeout=30)
        return real(**kwargs)

    url = f"{live_server.url}/api/v1/staff/donations"
    body = {"campaign": campaign.slug, "amount": {"amount": "5.00", "currency": "EUR"}, "channel": "cash"}
    headers = {**finance.headers, "Idempotency-Key": KEY}
    answers: dict[str, requests.Response] = {}
    with mock.patch.object(staff_donations, "record_staff_donation", side_effect=slow):
        first = threading.Thread(
            target=lambda: answers.update(first=requests.post(url, json=body, headers=headers, timeout=60))
        )
        first.start()
        assert inside.wait(timeout=30)
        duplicate = requests.post(url, json=body, headers=headers, timeout=30)
        release.set()
        first.join(timeout=60)
    assert duplicate.status_code == 409
    assert duplicate.json()["error"]["code"] == "idempotency_key_in_progress"
    assert answers["first"].status_code == 201
    later = requests.post(url, json=body, headers=headers, timeout=30)
    assert later.status_code == 201 and later.headers["Idempotent-Replayed"] == "true"
    assert later.json() == answers["first"].json()
    assert Donation.objects.count() == 1
