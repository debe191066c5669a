"""Sensitive fields are encrypted with keys from the environment; keys rotate."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection

from solidarity.campaigns.models import Beneficiary
from solidarity.campaigns.services import set_private_details
from solidarity.core import crypto
from solidarity.core.crypto import DecryptionFailed
from solidarity.core.encrypted_fields import encrypted_fields, sealed_fields_in_models, shredded_fields
from solidarity.core.models import DataKey
from solidarity.core.money import Money
from solidarity.core.shredding import Shredded, open_text
from solidarity.disbursements.services import record_disbursement
from solidarity.donations.intents import create_donation_intent
from solidarity.donations.models import Donation
from solidarity.donations.services import record_staff_donation
from tests.factories import BeneficiaryFactory, staff_with_role
from tests.helprequests.samples import pdf_document

pytestmark = pytest.mark.django_db
OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.fixture
def old_key(settings):
    settings.SOLIDARITY_ENCRYPTION_KEYS = [OLD]
    crypto._fernet.cache_clear()
    yield
    crypto._fernet.cache_clear()


def test_every_sealed_field_is_registered_for_rotation_or_shredding() -> None:
    registered = {(f.model, f.field) for f in encrypted_fields()}
    shredded = {(f.model, f.field) for f in shredded_fields()}
    assert not registered & shredded
    assert set(sealed_fields_in_models()) == registered | shredded
    assert ("payments.BankLine", "payer_sealed") in shredded
    assert ("campaigns.Beneficiary", "payout_details_sealed") in shredded
    assert ("disbursements.DisbursementProof", "sealed_data") in registered
    assert ("donations.Donation", "private_message_sealed") in shredded


def test_beneficiary_private_data_is_not_in_the_database_in_plain(old_key) -> None:
    b = BeneficiaryFactory()
    set_private_details(
        beneficiary=b,
        private_contact="Mother: +375 29 555 12 34, Minsk",
        payout_details="BY20 OLMP 3135 0000 0010 0000 0933",
    )
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM campaigns_beneficiary")
        raw = str(cur.fetchall())
    assert "555 12 34" not in raw and "OLMP" not in raw
    assert Beneficiary.objects.get(pk=b.pk).private_contact == "Mother: +375 29 555 12 34, Minsk"


def test_a_dump_without_the_keys_reveals_nothing(old_key, settings, campaign) -> None:
    b = BeneficiaryFactory()
    set_private_details(beneficiary=b, private_contact="secret contact", payout_details="")
    create_donation_intent(
        campaign=campaign, amount=Money(Decimal(10), "EUR"), channel="bank_transfer", private_message="for mama only"
    )
    settings.SOLIDARITY_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]  # the seizer's guess
    crypto._fernet.cache_clear()
    with pytest.raises(DecryptionFailed):
        _ = Beneficiary.objects.get(pk=b.pk).private_contact


def test_rotate_keys_moves_every_value_to_the_newest_key(old_key, settings, campaign) -> None:
    b = BeneficiaryFactory()
    set_private_details(beneficiary=b, private_contact="", payout_details="lawyer's account")
    intent = create_donation_intent(
        campaign=campaign, amount=Money(Decimal(10), "EUR"), channel="card", private_message="hello"
    )
    settings.SOLIDARITY_ENCRYPTION_KEYS = [NEW, OLD]
    crypto._fernet.cache_clear()
    out, err = io.StringIO(), io.StringIO()
    call_command("rotate_keys", stdout=out, stderr=err)
    # The payout details, the card gift's private message and its sealed receipt sit under
    # data keys: only those three short keys are re-wrapped, the ciphertext stays.
    assert "re-encrypted 0 value(s) and re-wrapped 3 data key(s)" in out.getvalue()
    assert "3/3" in err.getvalue()
    settings.SOLIDARITY_ENCRYPTION_KEYS = [NEW]  # the old key is retired
    crypto._fernet.cache_clear()
    assert Beneficiary.objects.get(pk=b.pk).payout_details == "lawyer's account"
    assert Donation.objects.get(pk=intent.donation.pk).private_message == "hello"


def test_rotate_keys_without_the_old_key_says_so(old_key, settings, campaign) -> None:
    create_donation_intent(campaign=campaign, amount=Money(Decimal(10), "EUR"), channel="card", private_message="hi")
    settings.SOLIDARITY_ENCRYPTION_KEYS = [NEW]  # the old key dropped before rotating
    crypto._fernet.cache_clear()
    with pytest.raises(CommandError, match="Keep every key still in use in SOLIDARITY_ENCRYPTION_KEYS"):
        call_command("rotate_keys", stdout=io.StringIO(), stderr=io.StringIO())


def test_rotate_keys_without_the_old_key_names_the_problem_not_a_traceback(old_key, settings, campaign) -> None:
    # A payout proof is sealed with the field keys themselves (not under a data key):
    # rotating it once the old key is gone ends in a plain message, not a Fernet traceback.
    finance = staff_with_role("finance", "fin-rotate")
    record_staff_donation(campaign=campaign, amount=Money(Decimal(100), "EUR"), channel="bank_transfer", actor=finance)
    payout = record_disbursement(
        need=campaign.needs.first(),
        payee_category="lawyer",
        amount=Money(Decimal(5), "EUR"),
        paid_on=dt.date(2026, 11, 20),
        public_description="Lawyer's fee",
        actor=finance,
        proofs=[pdf_document("Transfer confirmation")],
    )
    sealed_before = payout.proofs.get().sealed_data
    settings.SOLIDARITY_ENCRYPTION_KEYS = [NEW]  # the old key dropped before rotating
    crypto._fernet.cache_clear()
    with pytest.raises(CommandError) as raised:
        call_command("rotate_keys", stdout=io.StringIO(), stderr=io.StringIO())
    assert str(raised.value) == (
        "Cannot re-encrypt a stored value: none of the configured keys fits. "
        "Keep every key still in use in SOLIDARITY_ENCRYPTION_KEYS."
    )
    assert payout.proofs.get().sealed_data == sealed_before  # nothing was rewritten


def test_changing_a_beneficiary_contact_destroys_the_old_key(old_key) -> None:
    b = BeneficiaryFactory()
    set_private_details(beneficiary=b, private_contact="old flat, Karbysheva 5", payout_details="BY20 OLD")
    old_key_id, old_token = b.data_key_id, b.private_contact_sealed
    set_private_details(beneficiary=b, private_contact="new address", payout_details="BY20 NEW")
    fresh = Beneficiary.objects.get(pk=b.pk)
    assert (fresh.private_contact, fresh.payout_details) == ("new address", "BY20 NEW")
    assert not DataKey.objects.filter(pk=old_key_id).exists()
    with pytest.raises(Shredded):
        open_text(None, old_token)
