"""Upgrading a running server: values stored before crypto-shredding move under data keys."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from solidarity.campaigns.models import Beneficiary
from solidarity.core.crypto import encrypt_text
from solidarity.donations.models import Donation
from solidarity.helprequests.models import HelpRequest
from solidarity.payments.models import BankLine

BEFORE = [
    ("payments", "0005_provider_event_failed"),
    ("donations", "0003_donation_private_message_sealed"),
    ("helprequests", "0001_initial"),
    ("campaigns", "0002_beneficiary_payout_details_sealed_and_more"),
]


def migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.mark.django_db(transaction=True)
def test_existing_personal_data_moves_under_data_keys(campaign) -> None:
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE).loader.project_state(BEFORE).apps
        old.get_model("campaigns", "Beneficiary").objects.filter(pk=campaign.beneficiary_id).update(
            private_contact_sealed=encrypt_text("Sister: +375 29 111 22 33")
        )
        statement = old.get_model("payments", "ImportedStatement").objects.create(file_sha256="0" * 64, format="camt")
        old.get_model("payments", "BankLine").objects.create(
            checksum="c" * 64,
            statement=statement,
            booking_date=dt.date(2026, 11, 20),
            amount_minor=1200,
            currency="EUR",
            payer_name="Ivan Donorov",
            payer_account="LT121000011101001000",
            remittance="for Alesia",
        )
        old.get_model("donations", "Donation").objects.create(
            campaign_id=campaign.pk,
            amount_minor=1000,
            currency="EUR",
            channel="card",
            private_message_sealed=encrypt_text("Mama, we are with you"),
            sealed_secret=encrypt_text(json.dumps({"receipt": "ABCD-EFGH", "manage": ""})),
            receipt_code_hash="h" * 64,
        )
        document = {"v": 1, "contact": "Aunt Zosia", "prisoner_name": "U. K.", "situation": "s", "needs": "n"}
        request = old.get_model("helprequests", "HelpRequest").objects.create(
            reference="ABCDEFGH", sealed_content=encrypt_text(json.dumps(document))
        )
        old.get_model("helprequests", "HelpRequestAttachment").objects.create(
            help_request=request,
            position=1,
            name="a.pdf",
            content_type="application/pdf",
            sealed_bytes=encrypt_text("%PDF-x"),
        )
    finally:
        migrate(latest)

    beneficiary = Beneficiary.objects.get(pk=campaign.beneficiary_id)
    assert beneficiary.data_key_id is not None
    assert (beneficiary.private_contact, beneficiary.payout_details) == ("Sister: +375 29 111 22 33", "")
    line = BankLine.objects.get()
    assert (line.payer_name, line.payer_account, line.remittance) == (
        "Ivan Donorov",
        "LT121000011101001000",
        "for Alesia",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM payments_bankline")
        assert "Donorov" not in str(cursor.fetchall())
    donation = Donation.objects.get()
    assert donation.private_message == "Mama, we are with you" and donation.secret_key_id is not None
    migrated = HelpRequest.objects.get()
    assert migrated.data_key_id is not None and migrated.open_content().contact == "Aunt Zosia"
    assert migrated.attachments.get().open_bytes() == b"%PDF-x"
