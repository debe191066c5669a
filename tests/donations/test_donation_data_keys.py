"""A donor's private message and the once-shown receipt code sit under their own data keys."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from solidarity.core.models import DataKey
from solidarity.core.money import Money
from solidarity.donations.intents import create_donation_intent, expire_pending_donations, unseal_once
from solidarity.donations.models import Donation

pytestmark = pytest.mark.django_db


def card_gift(campaign, message: str = "Mama, we are with you"):
    return create_donation_intent(
        campaign=campaign, amount=Money(Decimal(10), "EUR"), channel="card", private_message=message
    )


def test_the_private_message_is_stored_only_as_ciphertext(campaign) -> None:
    intent = card_gift(campaign)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM donations_donation")
        assert "Mama" not in str(cursor.fetchall())
    donation = Donation.objects.get(pk=intent.donation.pk)
    assert donation.private_message == "Mama, we are with you"
    assert donation.message_key_id != donation.secret_key_id


def test_showing_the_receipt_code_once_destroys_its_data_key(campaign) -> None:
    intent = card_gift(campaign)
    key_id = Donation.objects.get(pk=intent.donation.pk).secret_key_id
    assert unseal_once(intent.donation) == (intent.receipt_code, "")
    assert not DataKey.objects.filter(pk=key_id).exists()
    assert unseal_once(intent.donation) == ("", "")
    assert Donation.objects.get(pk=intent.donation.pk).private_message == "Mama, we are with you"


def test_an_expired_gift_loses_its_sealed_receipt_code(campaign) -> None:
    intent = card_gift(campaign, message="")
    donation = Donation.objects.get(pk=intent.donation.pk)
    assert donation.message_key_id is None and donation.secret_key_id is not None
    assert expire_pending_donations(now=timezone.now() + dt.timedelta(days=2)) == 1
    assert not DataKey.objects.exists()
    assert Donation.objects.get(pk=donation.pk).status == "expired"
