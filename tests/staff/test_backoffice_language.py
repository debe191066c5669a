"""The back office in the staff's language: with Russian chosen, no English interface words.

Every registered model's list, add and change pages (and the login page) are fetched as an
admin whose browser asks for Russian; the visible text must not contain common English words
of the interface, nor storage fields such as "minor"; money shows formatted with its currency;
an error shows once. (tests/e2e/test_backoffice_russian.py walks the same in Chromium.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidarity.core.formatting import format_money
from solidarity.core.money import Money
from solidarity.disbursements.services import record_disbursement
from solidarity.donations.services import record_staff_donation
from tests.factories import UserFactory, active_campaign, staff_with_role
from tests.staff.second_step import verified_login

# Words of the interface that must not be left in English (whole words, case-sensitive).
ENGLISH = (
    "Can",
    "Add",
    "Save",
    "Delete",
    "Change",
    "Amount",
    "Campaign",
    "Donation",
    "Payout",
    "Status",
    "History",
    "Search",
)


class _Text(HTMLParser):
    """The text a reader sees, plus titles, values of buttons and option labels."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template", "textarea"):
            self._skip += 1
        values = dict(attrs)
        if tag == "input" and values.get("type") in ("submit", "button"):
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template", "textarea"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join(parser.parts)


def english_left(html: str) -> list[str]:
    text = visible_text(html)
    found = [word for word in ENGLISH if re.search(rf"\b{word}\b", text)]
    if re.search(r"\bminor\b", text, re.IGNORECASE):
        found.append("minor")
    return found


def admin_pages() -> list[str]:
    """The first page, and each model's list, add page and the change page of its first row."""
    paths = ["/staff/"]
    for model in admin.site._registry:
        meta = model._meta
        first = model._default_manager.order_by("pk").first()
        for view, args in (("changelist", []), ("add", []), ("change", [first.pk] if first else None)):
            if args is None:
                continue
            with contextlib.suppress(NoReverseMatch):
                paths.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args))
    return paths


@pytest.fixture
def money_moved(db: None) -> dict[str, object]:
    """A campaign with a €90 donation and a €40.50 payout from it."""
    recorder = staff_with_role("finance", "recorder")
    campaign = active_campaign()
    donation = record_staff_donation(
        campaign=campaign, amount=Money(Decimal("90"), "EUR"), channel="cash", actor=recorder
    ).donation
    payout = record_disbursement(
        need=campaign.needs.first(),
        payee_category="lawyer",
        amount=Money(Decimal("40.50"), "EUR"),
        paid_on=dt.date.today(),
        public_description="Lawyer's fee",
        actor=recorder,
    )
    return {"campaign": campaign, "donation": donation, "payout": payout}


@pytest.fixture
def russian_admin(db: None) -> Client:
    cache.clear()
    user = UserFactory(username="root", is_superuser=True)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="ru")
    verified_login(client, user.username, device)
    return client


@pytest.mark.django_db
def test_login_pages_are_russian() -> None:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="ru")
    page = client.get("/staff/login/")
    assert "Пароль" in page.content.decode()
    assert english_left(page.content.decode()) == []


@pytest.mark.parametrize("language", ["ru", "be"])
def test_every_back_office_page_is_in_the_staff_members_language(
    russian_admin: Client, money_moved: dict[str, object], language: str
) -> None:
    russian_admin.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    left = {}
    for path in admin_pages():
        response = russian_admin.get(path, follow=True)
        assert response.status_code in (200, 403), path
        words = english_left(response.content.decode())
        if words:
            left[path] = words
    assert left == {}


def test_money_shows_as_money_with_its_currency(russian_admin: Client, money_moved: dict[str, object]) -> None:
    donation, payout = money_moved["donation"], money_moved["payout"]
    pages = {
        "/staff/donations/donation/": "90",
        f"/staff/donations/donation/{donation.pk}/change/": "90",  # type: ignore[attr-defined]
        "/staff/disbursements/disbursement/": "40.50",
        f"/staff/disbursements/disbursement/{payout.pk}/change/": "40.50",  # type: ignore[attr-defined]
    }
    for path, amount in pages.items():
        text = visible_text(russian_admin.get(path).content.decode())
        with translation.override("ru"):
            shown = format_money(Money(Decimal(amount), "EUR"))
        assert shown in text, path
        assert "9000" not in text and "4050" not in text, path


def test_an_error_on_a_back_office_form_shows_once(russian_admin: Client, money_moved: dict[str, object]) -> None:
    """More than the fund holds is refused, and the reason is on the page once."""
    campaign = money_moved["campaign"]
    page = russian_admin.post(
        f"/staff/disbursements/disbursement/record/{campaign.pk}/",  # type: ignore[attr-defined]
        {
            "need": campaign.needs.first().pk,  # type: ignore[attr-defined]
            "payee_category": "lawyer",
            "amount": "5000",
            "currency": campaign.currency,  # type: ignore[attr-defined]
            "paid_on": "2026-11-20",
            "public_description": "Lawyer's fee",
        },
    )
    html = page.content.decode()
    errors = re.findall(r'<ul class="errorlist nonfield">\s*<li>(.*?)</li>', html, re.S)
    assert len(errors) == 1, errors
    assert html.count(errors[0]) == 1
