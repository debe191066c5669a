"""Donors type amounts as their language writes them; every refusal stands beside its field."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from solidarity.donations.models import Donation
from tests.donations.test_donate_flow import bank_form, client

__all__ = ["client"]  # the fixture, shared with the donate-flow tests

pytestmark = pytest.mark.django_db


def field_error(html: str, error_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{error_id}">([^<]*)</p>', html)
    assert found, f"no error beside the field ({error_id})"
    return html_lib.unescape(found.group(1))


@pytest.mark.parametrize(
    ("language", "typed", "minor"),
    [
        ("en", "5,000", 500000),
        ("en", "2,500", 250000),
        ("en", "5 000", 500000),
        ("ru", "5 000", 500000),
        ("ru", "5000,50", 500050),
        ("be", "5.000,50", 500050),
        ("en", "\u0665\u0660", 5000),  # ٥٠
    ],
)
def test_an_amount_is_read_as_the_donor_wrote_it(client, campaign, language: str, typed: str, minor: int) -> None:
    response = client.post(f"/{language}/campaigns/{campaign.slug}/donate/", bank_form(other_amount=typed))
    assert response.status_code == 200
    assert Donation.objects.get().amount_minor == minor


@pytest.mark.parametrize(
    ("language", "typed", "expected"),
    [
        ("ru", "5,000", "Мы прочитали это как 5,000"),
        ("be", "1,000", "Мы прачыталі гэта як 1,000"),
        ("en", "1.000", "We read this as 1.000"),
        ("ru", "NaN", "Введите сумму числом"),
        ("be", "1e99", "Увядзіце суму лічбамі"),
        ("en", "1e27", "Enter the amount as a number"),
        ("ru", "1", "Наименьшее пожертвование — 2\u00a0€"),
        ("en", "1000000", "We read this as €1,000,000; a single donation cannot exceed €100,000."),
    ],
)
def test_an_unclear_amount_is_refused_beside_its_field_in_the_page_language(
    client, campaign, language: str, typed: str, expected: str
) -> None:
    response = client.post(f"/{language}/campaigns/{campaign.slug}/donate/", bank_form(other_amount=typed))
    assert response.status_code == 400
    assert expected in field_error(response.content.decode(), "err-amount")
    assert "Decimal(" not in response.content.decode()
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    ("field", "limit", "error_id"),
    [("public_name", 80, "err-name"), ("message", 500, "err-message"), ("private_message", 1000, "err-private")],
)
@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_text_over_its_limit_is_refused_beside_its_field(
    client, campaign, field: str, limit: int, error_id: str, language: str
) -> None:
    response = client.post(f"/{language}/campaigns/{campaign.slug}/donate/", bank_form(**{field: "x" * (limit + 1)}))
    assert response.status_code == 400
    error = field_error(response.content.decode(), error_id)
    assert str(limit) in error
    assert ("Убедитесь" in error) if language == "ru" else ("Ensure this value" in error)
    assert not Donation.objects.exists()


def test_direction_overrides_and_controls_are_removed_from_public_name_and_message(client, campaign) -> None:
    response = client.post(
        f"/en/campaigns/{campaign.slug}/donate/",
        bank_form(public_name="\u202eAnna\u2066 Doe\u2069\u200b", message="Free\u202e them\u0007\tall\r\nnow"),
    )
    assert response.status_code == 200
    donation = Donation.objects.get()
    assert donation.public_name == "Anna Doe"
    assert donation.message == "Free them all\nnow"


def test_a_name_of_only_invisible_characters_is_anonymous(client, campaign) -> None:
    assert (
        client.post(f"/en/campaigns/{campaign.slug}/donate/", bank_form(public_name="\u202e\u200b")).status_code == 200
    )
    assert Donation.objects.get().public_name == ""
