"""Thank-you and receipt pages (issue 16.6): a pending bank receipt repeats what the donor
needs to send the transfer — account, reference, amount and the day the reference expires."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from solidarity.core.money import Money
from solidarity.donations.models import Donation
from solidarity.donations.settlement import settle_donation
from solidarity.ledger.models import AccountPurpose
from tests.donations.test_donate_flow import bank_form, client  # noqa: F401  (the form client fixture)

pytestmark = pytest.mark.django_db

VALID_UNTIL = {
    "en": "Reference valid until",
    "ru": "Назначение платежа действует до",
    "be": "Прызначэнне плацяжу дзейнічае да",
}


def _receipt_code(html: str) -> str:
    return re.search(r'id="receipt-code">([^<]+)<', html).group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("lang", ["en", "ru", "be"])
def test_a_pending_bank_receipt_repeats_account_reference_amount_and_expiry(client, campaign, lang) -> None:  # noqa: F811
    code = _receipt_code(client.post(f"/{lang}/campaigns/{campaign.slug}/donate/", bank_form()).content.decode())
    donation = Donation.objects.get()
    html = client.post(f"/{lang}/receipts/", {"code": code}).content.decode()
    result = html[html.index('id="receipt-result"') :]
    assert "DE89 3704 0044 0532 0130 00" in result
    shown = re.search(r'id="bank-reference">([^<]+)<', result).group(1)  # type: ignore[union-attr]
    assert shown.replace(" ", "") == donation.bank_reference
    assert "25" in result
    expires = timezone.localdate(donation.expires_at)
    assert expires == timezone.localdate() + dt.timedelta(days=30)
    assert VALID_UNTIL[lang] in result and f'datetime="{expires.isoformat()}"' in result


def test_the_transfer_page_says_when_the_reference_expires(client, campaign) -> None:  # noqa: F811
    html = client.post(f"/en/campaigns/{campaign.slug}/donate/", bank_form()).content.decode()
    expires = timezone.localdate(Donation.objects.get().expires_at)
    assert "Reference valid until" in html and f'datetime="{expires.isoformat()}"' in html


def test_a_counted_receipt_no_longer_shows_the_transfer_details(client, campaign) -> None:  # noqa: F811
    code = _receipt_code(client.post(f"/en/campaigns/{campaign.slug}/donate/", bank_form()).content.decode())
    donation = Donation.objects.get()
    settle_donation(
        donation=donation,
        received=Money(Decimal(25), "EUR"),
        settled_on=timezone.localdate(),
        asset=AccountPurpose.BANK,
        key="r1",
    )
    html = client.post("/en/receipts/", {"code": code}).content.decode()
    assert "Counted." in html and "bank-reference" not in html and "DE89" not in html
