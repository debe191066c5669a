"""Every database field that holds data encrypted with the field keys (solidarity.core.crypto).

A model declares its encrypted fields in a `SEALED_FIELDS` tuple; `rotate_keys` walks
what every installed model declares, so core names no application model, and a test
checks that no field named `*_sealed*` is left undeclared. Fields sealed under a
per-record data key (crypto-shredding, solidarity.core.shredding) are declared in
`SHREDDED_FIELDS` instead: rotation re-wraps their data keys and leaves them alone.
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


def encrypted_fields() -> list[EncryptedField]:
    """The fields every installed model declares in `SEALED_FIELDS`, in app and model order."""
    return [
        EncryptedField(model._meta.label, name)
        for model in apps.get_models()
        for name in getattr(model, "SEALED_FIELDS", ())
    ]


def sealed_fields_in_models() -> Iterator[tuple[str, str]]:
    """(model label, field name) of every field whose name says it is sealed."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if "sealed" in field.name and isinstance(field, models.TextField):
                yield model._meta.label, field.name


def shredded_fields() -> list[EncryptedField]:
    """The fields every installed model declares as sealed under a data key (`SHREDDED_FIELDS`)."""
    return [
        EncryptedField(model._meta.label, name)
        for model in apps.get_models()
        for names in getattr(model, "SHREDDED_FIELDS", {}).values()
        for name in names
    ]
