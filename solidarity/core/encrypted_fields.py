"""Every database field that holds data encrypted with the field keys (solidarity.core.crypto).

`rotate_keys` walks this list; a new encrypted field must be added here, and a test checks
that no model field named `*_sealed*` is missing from it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class EncryptedField:
    model: str  # "app_label.ModelName"
    field: str

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


ENCRYPTED_FIELDS = [
    EncryptedField("campaigns.Beneficiary", "private_contact_sealed"),
    EncryptedField("campaigns.Beneficiary", "payout_details_sealed"),
    EncryptedField("donations.Donation", "sealed_secret"),
    EncryptedField("donations.Donation", "private_message_sealed"),
    EncryptedField("helprequests.HelpRequest", "sealed_content"),
    EncryptedField("helprequests.HelpRequestAttachment", "sealed_bytes"),
    EncryptedField("disbursements.DisbursementProof", "sealed_data"),
]


def sealed_fields_in_models() -> Iterator[tuple[str, str]]:
    """(model label, field name) of every field whose name says it is sealed."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if "sealed" in field.name and isinstance(field, models.TextField):
                yield model._meta.label, field.name
