"""The back office in the staff's language: with Russian chosen, no English interface words.

Every registered model's list, add and change pages (and the login page) are fetched as an
admin whose browser asks for Russian or Belarusian. A word in Latin letters on such a page
must be a name (`NAMES`: acronyms, products, formats) or come from the data in the database;
anything else is interface left in English. The pages must not show storage fields such as
"minor"; money shows formatted with its currency; an error shows once. Every model (its name
is in the permission lists) and every field of a back-office model has a translated name.
(tests/e2e/test_backoffice_russian.py walks the same in Chromium.)
"""

from __future__ import annotations

import contextlib
import json
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.core.cache import cache
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidarity.core.formatting import format_money
from solidarity.core.money import Money
from tests.factories import UserFactory, cash_then_payout, staff_with_role
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


# Latin words that are names, not English interface: acronyms, products, formats, language
# codes (the public pages' header, the per-language fields "title [ru]"), examples in help
# texts ("VR 12345 B", "DE…" IBANs, "RF…" references); and words that Django's own Russian and
# Belarusian catalogues keep ("Control"/"Command" on a Mac, "Single Sign-On or LDAP", "e-mail").
NAMES = frozenset(
    [
        "API",
        "CSV",
        "TOTP",
        "EUR",
        "USD",
        "BYN",
        "PLN",
        "ID",
        "PIN",
        "QR",
        "URL",
        "IBAN",
        "BIC",
        "JSON",
        "MT940",
        "camt",
        "Unix",
        "UTC",
        "IP",
        "RSS",
        "Atom",
        "cookie",
        "ASCII",
        "OpenPGP",
        "gpg",
        "clearsign",
        "armor",
        "SecureDrop",
        "Hush",
        "Line",
        "Signal",
        "Onion",
        "onion",
        "en",
        "ru",
        "be",
        "EN",
        "RU",
        "BE",
        "VR",
        "DE",
        "RF",
        "Control",
        "Command",
        "Mac",
        "Single",
        "Sign",
        "Sing",
        "On",
        "LDAP",
        "mail",
    ]
)
# Rows whose text is the interface itself (English permission names), not data.
NOT_DATA = ("auth.Permission", "contenttypes.ContentType")


def stored_text() -> str:
    """All text stored in the database (titles, usernames, codes, ids), except NOT_DATA."""
    texts = [str(settings.SOLIDARITY_SITE_NAME)]
    kinds = ("CharField", "TextField", "JSONField", "UUIDField")
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if f.get_internal_type() in kinds]
        if model._meta.label in NOT_DATA or not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            texts += [value if isinstance(value, str) else json.dumps(value, default=str) for value in row]
    # A user's page shows a summary of the password hash (Argon2's salt decoded, cut short).
    for encoded in get_user_model().objects.exclude(password="").values_list("password", flat=True):
        texts += [str(value) for value in identify_hasher(encoded).safe_summary(encoded).values()]
    return "\n".join(texts)


def latin_left(html: str, stored: str) -> list[str]:
    """Words in Latin letters on the page that are neither names nor part of the stored data."""
    words = set(re.findall(r"[A-Za-z]{2,}", visible_text(html))) - NAMES
    return sorted(word for word in words if word not in stored)


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
    campaign, donation, payout = cash_then_payout(actor=staff_with_role("finance", "recorder"))
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
    from solidarity.publiclog.tasks import seal_log_task

    seal_log_task.enqueue()  # a task run, for the background tasks' pages
    russian_admin.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    stored = stored_text()
    left = {}
    for path in admin_pages():
        response = russian_admin.get(path, follow=True)
        assert response.status_code in (200, 403), path
        html = response.content.decode()
        words = english_left(html) + latin_left(html, stored)
        if words:
            left[path] = words
    assert left == {}, "\n".join(f"{k}: {v}" for k, v in left.items())


@pytest.mark.parametrize("language", ["ru", "be"])
def test_every_model_and_back_office_field_has_a_translated_name(language: str) -> None:
    """Models name themselves in the permission lists; the back office's models show each field."""

    def untranslated(name: object) -> bool:
        with translation.override("en"):
            english = str(name)
        with translation.override(language):
            return str(name) == english and english not in NAMES

    left = [f"{m._meta.label}" for m in apps.get_models() if untranslated(m._meta.verbose_name_plural)]
    left += [
        f"{model._meta.label}.{field.name}"
        for model in admin.site._registry
        for field in model._meta.get_fields()
        if hasattr(field, "verbose_name") and untranslated(field.verbose_name)
    ]
    left += [
        config.label
        for config in apps.get_app_configs()
        if any(model in admin.site._registry for model in config.get_models()) and untranslated(config.verbose_name)
    ]
    assert left == []


@pytest.mark.django_db
def test_an_authenticator_apps_secret_never_shows_not_even_to_an_admin(russian_admin: Client) -> None:
    device = TOTPDevice.objects.get(name="app")
    page = russian_admin.get(f"/staff/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert "Настройки" in page and device.key not in page
    assert russian_admin.get(f"/staff/otp_totp/totpdevice/{device.pk}/config/").status_code == 403
    assert russian_admin.get(f"/staff/otp_totp/totpdevice/{device.pk}/qrcode/").status_code == 403


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
    assert latin_left(errors[0], stored_text()) == [], errors[0]  # and it is in Russian


def test_titles_keep_the_models_name_as_it_is(russian_admin: Client, money_moved: dict[str, object]) -> None:
    """Django's "Добавить %s" would read "Добавить выплата" (a feminine name needs the
    accusative); our titles put the name after a colon."""
    payout = money_moved["payout"]
    pages = {
        "/staff/disbursements/disbursement/": "Выберите для изменения: выплата",
        f"/staff/disbursements/disbursement/{payout.pk}/change/": "выплата",  # type: ignore[attr-defined]
        "/staff/payments/importedstatement/": "Выберите для просмотра: импортированная выписка",
    }
    for path, title in pages.items():
        text = visible_text(russian_admin.get(path).content.decode())
        assert title in text, path
        assert not re.search(r"(Добавить|Изменить|Просмотреть|Выберите) (выплата|импортированная)", text), path
