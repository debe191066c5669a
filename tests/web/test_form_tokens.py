"""The public forms without a cookie (core/form_tokens.py), tried as a forger and as a
person who reloads: an expired, replayed, foreign, cross-site or missing token gets a
clear "please send the form again" page and writes nothing; a repeat of a sent form
returns its first result; staff pages keep Django's CSRF cookie."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client

from solidarity.core import form_tokens
from solidarity.donations.models import Donation, Pledge
from solidarity.helprequests.models import HelpRequest
from tests.factories import active_campaign
from tests.payments.test_card_flow import fake, pay, start_card  # noqa: F401
from tests.public_forms import FormClient, form_token_from

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> Client:
    cache.clear()
    return FormClient(HTTP_HOST="127.0.0.1")


def _donate_url(campaign: Any, language: str = "en") -> str:
    return f"/{language}/campaigns/{campaign.slug}/donate/"


def _bank_form(token: str) -> dict[str, str]:
    return {
        "other_amount": "25",
        "currency": "EUR",
        "recurrence": "one_off",
        "channel": "bank_transfer",
        "form_token": token,
    }


def _fresh_token(client: Client, url: str) -> str:
    return form_token_from(client.get(url).content.decode())


def _assert_refused(response: Any, status: int = 400) -> None:
    html = response.content.decode()
    assert response.status_code == status, html[:300]
    assert 'id="form-refused"' in html and "Please send the form again" in html
    assert "Nothing was sent or saved" in html
    assert not response.cookies


class _SignedHoursAgo(signing.TimestampSigner):
    """The signer as it was when the page was opened, long ago."""

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - form_tokens.max_age() - 60)


def test_an_expired_token_gets_the_clear_page_and_writes_nothing(client, campaign) -> None:
    url = _donate_url(campaign)
    payload = signing.loads(_fresh_token(client, url), salt=form_tokens.token_salt("donate"))
    old = _SignedHoursAgo(salt=form_tokens.token_salt("donate")).sign_object(payload)
    response = client.post(url, _bank_form(old))
    _assert_refused(response)
    assert "open for too long" in response.content.decode()
    assert not Donation.objects.exists()


def test_a_replayed_bank_transfer_returns_the_first_result_and_creates_nothing(client, campaign) -> None:
    url = _donate_url(campaign)
    form = _bank_form(_fresh_token(client, url))
    first = client.post(url, form)
    html = first.content.decode()
    assert first.status_code == 200 and 'id="receipt-code"' in html
    reference = re.search(r'id="bank-reference">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    again = client.post(url, form)  # a reload, or back and send again
    assert again.status_code == 303 and again["Location"].startswith("/en/donate/transfer/")
    page = client.get(again["Location"]).content.decode()
    assert reference in page and 'id="receipt-code"' not in page and "already sent" in page
    assert client.post(url, form)["Location"] == again["Location"]
    assert Donation.objects.count() == 1


def test_a_replayed_card_form_returns_the_same_checkout(client, fake, campaign) -> None:  # noqa: F811
    url = _donate_url(campaign)
    form = {**_bank_form(_fresh_token(client, url)), "channel": "card"}
    first = client.post(url, form)
    assert first.status_code == 303 and first["Location"].startswith(fake.url)
    assert client.post(url, form)["Location"] == first["Location"]
    assert Donation.objects.count() == 1
    assert len([r for r in fake.requests if r.path == "/v1/checkout/sessions"]) == 1


def test_a_form_error_lets_the_same_token_be_sent_again(client, campaign) -> None:
    url = _donate_url(campaign)
    token = _fresh_token(client, url)
    assert client.post(url, {**_bank_form(token), "other_amount": "abc"}).status_code == 400
    assert client.post(url, _bank_form(token)).status_code == 200
    assert Donation.objects.count() == 1


def test_a_token_from_another_form_is_refused(client, campaign) -> None:
    receipt_token = _fresh_token(client, "/en/receipts/")
    _assert_refused(client.post(_donate_url(campaign), _bank_form(receipt_token)))
    assert not Donation.objects.exists()


def test_a_token_from_another_page_is_refused(client, campaign) -> None:
    other = active_campaign(currency="EUR", goal="500")
    for url in (_donate_url(other), _donate_url(campaign, "ru")):
        _assert_refused(client.post(_donate_url(campaign), _bank_form(_fresh_token(client, url))))
    assert not Donation.objects.exists()


def test_a_forged_or_missing_token_is_refused(client, campaign) -> None:
    url = _donate_url(campaign)
    token = _fresh_token(client, url)
    for forged in ("", "abc", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        _assert_refused(client.post(url, _bank_form(forged)))
    form = _bank_form(token)
    del form["form_token"]
    _assert_refused(Client(HTTP_HOST="127.0.0.1").post(url, form))
    assert not Donation.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site", "HTTP_ORIGIN": "http://sub.127.0.0.1"},
    ],
)
def test_a_cross_site_post_is_refused_even_with_a_genuine_token(client, campaign, headers) -> None:
    url = _donate_url(campaign)
    response = client.post(url, _bank_form(_fresh_token(client, url)), **headers)
    _assert_refused(response, status=403)
    assert "another website" in response.content.decode()
    assert not Donation.objects.exists()


def test_a_same_origin_post_is_accepted(client, campaign) -> None:
    url = _donate_url(campaign)
    response = client.post(
        url, _bank_form(_fresh_token(client, url)), HTTP_ORIGIN="http://127.0.0.1", HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert response.status_code == 200 and Donation.objects.count() == 1


def test_the_refusal_speaks_the_pages_language(client, campaign) -> None:
    response = client.post(_donate_url(campaign, "ru"), _bank_form("forged"))
    assert response.status_code == 400
    html = response.content.decode()
    assert 'lang="ru"' in html and "Please send the form again" not in html


def test_a_replayed_help_request_sends_nothing_more(client) -> None:
    token = _fresh_token(client, "/en/help/")
    form = {
        "prisoner_name": "A. Prisoner",
        "situation": "Detained",
        "needs": "A lawyer",
        "contact": "Signal +000",
        "amount": "",
        "currency": "EUR",
        "form_token": token,
    }
    assert client.post("/en/help/", form).status_code == 200
    again = client.post("/en/help/", form)
    assert again.status_code == 303 and again["Location"] == "/en/help/sent/"
    assert HelpRequest.objects.count() == 1


def test_a_replayed_monthly_gift_cancel_returns_the_first_result(client, fake, campaign) -> None:  # noqa: F811
    thanks = pay(fake, start_card(client, campaign, amount="10", recurrence="monthly"))
    manage = re.search(r'id="manage-link" href="([^"]+)"', client.get(thanks).content.decode()).group(1)  # type: ignore[union-attr]
    form = {"action": "cancel", "form_token": _fresh_token(client, manage)}
    assert client.post(manage, form).status_code == 200
    again = client.post(manage, form)
    assert again.status_code == 303 and again["Location"] == manage
    assert Pledge.objects.get().status == "cancelled"
    assert [r.path for r in fake.requests].count(
        f"/v1/subscriptions/{Pledge.objects.get().provider_subscription_id}"
    ) == 1


def test_the_receipt_check_may_be_sent_twice(client) -> None:
    form = {"code": "AAAA-BBBB", "form_token": _fresh_token(client, "/en/receipts/")}
    for _ in range(2):
        assert "No donation has this code" in client.post("/en/receipts/", form).content.decode()


def test_no_public_form_sets_a_cookie_but_staff_pages_keep_csrf(client, campaign) -> None:
    for url in (_donate_url(campaign), "/en/receipts/", "/en/help/"):
        client.post(url, {"other_amount": "x"})
    assert not client.cookies
    login = Client(HTTP_HOST="127.0.0.1").get("/staff/login/")
    assert "csrftoken" in login.cookies
