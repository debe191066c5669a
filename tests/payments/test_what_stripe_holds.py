"""As the adversary who subpoenas Stripe: everything the SDK sent it during card gifts
(one-off and monthly, refunded, changed, cancelled) must name no campaign, beneficiary,
donation or pledge; the links Stripe holds (cancel, thank-you) open nothing once used,
and the old `?donation=<id>` cancel link reveals nothing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.db import connection

from solidarity.campaigns.models import Campaign
from solidarity.donations.intents import expire_pending_donations
from solidarity.donations.models import Donation, DonationStatus, Pledge
from solidarity.payments.models import CardPayment, ProviderEvent
from solidarity.payments.providers.stripe import StripeProvider
from tests.factories import active_campaign
from tests.payments.test_card_flow import SECRET, client, eur, fake, pay, start_card  # noqa: F401
from tests.stripe_fake import signature_header

pytestmark = pytest.mark.django_db

# Leaves that are amounts or counts: numbers that are not ids of ours.
NUMERIC_FIELDS = {"unit_amount", "amount", "quantity"}


def _start_ids_at(model: Any, first: int) -> None:
    """Make the table's next id `first`: ids like 48213 cannot be mistaken for a quantity."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, first])
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, first - 1])


@pytest.fixture
def campaign(db: Any) -> Campaign:
    """A campaign, and donations and pledges to come, with ids no amount or count shares."""
    _start_ids_at(Campaign, 71_307)
    _start_ids_at(Donation, 48_213)
    _start_ids_at(Pledge, 93_541)
    return active_campaign(currency="EUR", goal="1100")


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    elif value is not None:
        yield path, str(value)


def _what_stripe_was_sent(processor: Any) -> list[tuple[str, str]]:
    """Every string the SDK sent: paths, parameters (URLs split into their parts) and
    idempotency keys, as (where, text) pairs."""
    sent: list[tuple[str, str]] = []
    for request in processor.requests:
        sent.append(("path", request.path))
        if request.idempotency_key:
            sent.append(("idempotency_key", request.idempotency_key))
        for where, text in _leaves(request.params):
            if text.startswith("http"):  # the host's own digits are not ids: its path and query are
                url = urlsplit(text)
                sent.append((f"{where}#path", url.path))
                sent.extend((f"{where}?{key}", item) for key, item in parse_qsl(url.query))
            else:
                sent.append((where, text))
    return sent


def _assert_names_nothing(processor: Any, campaign: Any, ids: dict[str, int]) -> None:
    sent = _what_stripe_was_sent(processor)
    assert sent, "the fake saw no request"
    names = [campaign.slug, campaign.title, campaign.beneficiary.public_name]
    for where, text in sent:
        for name in names:
            assert name.lower() not in text.lower(), (where, text, name)
        if where.rsplit(".", 1)[-1] in NUMERIC_FIELDS:
            continue
        tokens = set(re.split(r"[^0-9A-Za-z]+", text))
        for what, number in ids.items():
            assert str(number) not in tokens, f"{what} {number} sent to Stripe in {where}: {text}"


def test_a_one_off_gift_refunded_tells_stripe_no_id_and_no_campaign(client, fake, campaign) -> None:  # noqa: F811
    pay(fake, start_card(client, campaign, amount="40", public_name="A friend", message="Hold on"))
    donation = Donation.objects.get()
    StripeProvider().refund(donation=donation, amount=eur("15"))
    fake.deliver_pending()
    _assert_names_nothing(fake, campaign, {"donation": donation.pk, "campaign": campaign.pk})
    card = CardPayment.objects.get()
    checkout = next(r for r in fake.requests if r.path == "/v1/checkout/sessions")
    assert checkout.params["metadata"] == {"reference": card.reference}
    assert checkout.params["client_reference_id"] == card.reference
    assert "A friend" not in json.dumps(checkout.params) and "Hold on" not in json.dumps(checkout.params)
    assert (donation.pk, campaign.pk) == (48_213, 71_307)  # what the check above looked for


def test_a_monthly_gift_changed_and_cancelled_tells_stripe_no_id(client, fake, campaign) -> None:  # noqa: F811
    thanks = pay(fake, start_card(client, campaign, amount="10", recurrence="monthly"))
    manage = re.search(r'id="manage-link" href="([^"]+)"', client.get(thanks).content.decode()).group(1)  # type: ignore[union-attr]
    pledge = Pledge.objects.get()
    fake.renew(pledge.provider_subscription_id)
    fake.deliver_pending()
    assert Donation.objects.filter(pledge=pledge, status=DonationStatus.PAID).count() == 2
    assert client.post(manage, {"action": "change", "amount": "15"}).status_code == 200
    assert client.post(manage, {"action": "cancel"}).status_code == 200
    ids = {f"donation {d.pk}": d.pk for d in Donation.objects.all()}
    _assert_names_nothing(fake, campaign, {**ids, "pledge": pledge.pk, "campaign": campaign.pk})
    checkout = next(r for r in fake.requests if r.path == "/v1/checkout/sessions")
    assert checkout.params["subscription_data"]["metadata"] == {"reference": CardPayment.objects.first().reference}  # type: ignore[union-attr]


def test_references_are_random_not_sequential(client, fake, campaign) -> None:  # noqa: F811
    for _ in range(3):
        start_card(client, campaign)
    references = list(CardPayment.objects.order_by("pk").values_list("reference", flat=True))
    assert len(set(references)) == 3 and all(len(r or "") >= 20 for r in references)
    assert not any(str(d.pk) in (r or "") for d in Donation.objects.all() for r in references)


def test_the_old_cancel_link_with_a_donation_id_reveals_nothing(client, fake, campaign) -> None:  # noqa: F811
    start_card(client, campaign)
    donation = Donation.objects.get()
    for query in (f"donation={donation.pk}", "donation=1", "t=not-a-token", ""):
        response = client.get(f"/en/donate/cancelled/?{query}")
        html = response.content.decode()
        assert response.status_code == 200 and "Location" not in response
        assert campaign.slug not in html and campaign.title not in html
        assert "Nothing was charged" in html


def _cancel_link(processor: Any) -> str:
    checkout = next(r for r in processor.requests if r.path == "/v1/checkout/sessions")
    url = urlsplit(checkout.params["cancel_url"])
    return f"{url.path}?{url.query}"


def test_the_cancel_link_works_once_while_pending(client, fake, campaign) -> None:  # noqa: F811
    start_card(client, campaign)
    link = _cancel_link(fake)
    first = client.get(link)
    assert first.status_code == 303 and first["Location"] == f"/en/campaigns/{campaign.slug}/donate/?cancelled=1"
    again = client.get(link)
    assert again.status_code == 200 and campaign.slug not in again.content.decode()


def test_the_cancel_link_stops_once_the_donation_is_no_longer_pending(client, fake, campaign) -> None:  # noqa: F811
    start_card(client, campaign)
    Donation.objects.update(expires_at=Donation.objects.get().created_at)
    expire_pending_donations()
    response = client.get(_cancel_link(fake))
    assert response.status_code == 200 and campaign.slug not in response.content.decode()


def test_the_thank_you_link_works_once_then_says_the_receipt_was_shown(client, fake, campaign) -> None:  # noqa: F811
    thanks = pay(fake, start_card(client, campaign))
    assert "session=" not in thanks and "t=" in thanks
    first = client.get(thanks).content.decode()
    assert "receipt-code" in first and campaign.title in first
    again = client.get(thanks)
    html = again.content.decode()
    assert again.status_code == 410 and "receipt-code" not in html
    assert "shown once already" in html and "/en/receipts/" in html
    assert campaign.title not in html and campaign.slug not in html


def test_the_thank_you_link_stops_once_the_donation_expired(client, fake, campaign) -> None:  # noqa: F811
    checkout = start_card(client, campaign)
    session = fake.get(checkout.rstrip("/").split("/")[-1])
    thanks_url = urlsplit(session["success_url"])
    Donation.objects.update(expires_at=Donation.objects.get().created_at)
    expire_pending_donations()
    response = client.get(f"{thanks_url.path}?{thanks_url.query}")
    assert response.status_code == 410
    assert campaign.title not in response.content.decode()


def test_stripes_session_id_opens_no_thank_you_page(client, fake, campaign) -> None:  # noqa: F811
    checkout = start_card(client, campaign)
    session_id = checkout.rstrip("/").split("/")[-1]
    response = client.get(f"/en/donate/thanks/?session={session_id}")
    assert response.status_code == 410 and campaign.title not in response.content.decode()


def test_an_event_naming_a_donation_id_cannot_reach_a_donation_started_with_a_reference(
    client,  # noqa: F811
    fake,  # noqa: F811
    campaign,
) -> None:
    start_card(client, campaign)
    donation = Donation.objects.get()
    event = {
        "id": "evt_old_style",
        "object": "event",
        "type": "checkout.session.expired",
        "created": 1_700_000_000,
        "livemode": False,
        "data": {
            "object": {"id": "cs_other", "object": "checkout.session", "metadata": {"donation_id": str(donation.pk)}}
        },
    }
    body = json.dumps(event)
    response = client.post(
        "/payments/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature_header(body, SECRET),
    )
    assert response.status_code == 200
    donation.refresh_from_db()
    assert donation.status == DonationStatus.PENDING
    assert ProviderEvent.objects.get(event_id="evt_old_style").state == ProviderEvent.State.IGNORED
