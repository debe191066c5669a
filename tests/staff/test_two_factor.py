"""The back office demands a password AND a verified second factor, on every page."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidarity.staff import login_guard
from tests.factories import UserFactory
from tests.staff.second_step import code, password_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    cache.clear()
    return Client(HTTP_HOST="127.0.0.1")


@pytest.mark.parametrize(
    "path",
    ["/staff/", "/staff/donations/donation/", "/staff/payments/importedstatement/upload/", "/staff/staff/auditentry/"],
)
def test_password_alone_opens_nothing(client, path: str) -> None:
    user = UserFactory(username="anna", is_superuser=True)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    response = password_login(client, "anna")
    assert response.status_code == 302 and "/staff/two-factor/" in response["Location"]
    page = client.get(path)
    assert page.status_code == 302
    assert "/staff/login/" in page["Location"] or "/staff/two-factor/" in page["Location"]


def test_login_redirects_to_the_second_step_and_a_valid_code_opens_the_office(client) -> None:
    user = UserFactory(username="anna", is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    password_login(client, "anna")
    assert client.get("/staff/login/")["Location"].startswith("/staff/two-factor/")
    wrong = client.post("/staff/two-factor/", {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "not valid" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    ok = client.post("/staff/two-factor/?next=/staff/", {"token": code(device)})
    assert ok.status_code == 302 and ok["Location"] == "/staff/"
    index = client.get("/staff/")
    assert index.status_code == 200
    assert index["Cache-Control"] == "no-store"


def test_a_password_login_without_a_device_gets_no_qr_code_and_no_device(client) -> None:
    UserFactory(username="boris", is_superuser=True)
    response = password_login(client, "boris")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 403
    assert "Ask an administrator for an enrolment link" in html
    assert "<figure>" not in html and "totp-secret" not in html
    tried = client.post("/staff/two-factor/", {"token": "123456"})
    assert "<figure>" not in tried.content.decode()
    assert not TOTPDevice.objects.filter(user__username="boris").exists()
    assert client.get("/staff/").status_code == 302


def test_a_wrong_code_gets_the_clock_hint_not_the_throttle_message(client) -> None:
    user = UserFactory(username="anna", is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    password_login(client, "anna")
    wrong = client.post("/staff/two-factor/", {"token": "000000" if code(device) != "000000" else "111111"})
    html = wrong.content.decode()
    assert "Check your device&#x27;s clock" in html and "Too many attempts" not in html


def test_a_correct_code_refused_by_throttling_says_to_wait(client) -> None:
    user = UserFactory(username="anna", is_superuser=True)
    device = TOTPDevice.objects.create(
        user=user, name="app", confirmed=True, throttling_failure_count=5, throttling_failure_timestamp=timezone.now()
    )
    password_login(client, "anna")
    refused = client.post("/staff/two-factor/", {"token": code(device)})
    html = refused.content.decode()
    # Five failures: 2**4 = 16 seconds to wait with django-otp's default factor of 1, less
    # whatever the password login took.
    assert refused.status_code == 200
    wait = re.search(r"Too many attempts: wait (\d+) seconds? and try again\.", html)
    assert wait is not None and 1 <= int(wait.group(1)) <= 16
    assert "clock" not in html
    assert client.get("/staff/").status_code == 302


def test_failed_logins_lock_the_account_without_storing_addresses(client) -> None:
    UserFactory(username="carol", is_superuser=True)
    for _ in range(5):
        password_login(client, "carol", "wrong password")
    locked = password_login(client, "carol")
    assert locked.status_code == 200 and "Too many failed attempts" in locked.content.decode()
    # The only trace is a counter under an HMAC of the username; no address is involved.
    key = login_guard._key("carol")
    assert int(cache.get(key)) >= 5 and "carol" not in key and "127.0.0.1" not in key


def test_session_ends_twelve_hours_after_login(client) -> None:
    user = UserFactory(username="dan", is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    password_login(client, "dan")
    client.post("/staff/two-factor/", {"token": code(device)})
    assert client.get("/staff/").status_code == 200
    session = client.session
    session["login_at"] = int(time.time()) - 12 * 3600 - 1
    session.save()
    assert client.get("/staff/")["Location"].startswith("/staff/login/")


def test_every_back_office_page_needs_the_second_factor(client) -> None:
    """Walk every registered model's list and add pages with a password-only session."""
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    user = UserFactory(username="erin", is_superuser=True)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    password_login(client, "erin")
    checked = 0
    for model in admin.site._registry:
        for view in ("changelist", "add"):
            try:
                url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}")
            except NoReverseMatch:
                continue
            response = client.get(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(("/staff/login/", "/staff/two-factor/")), url
            checked += 1
    assert checked >= 20
