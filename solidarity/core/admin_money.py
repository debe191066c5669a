"""Money in the back office: shown formatted with its currency, never as stored minor units.

`MoneyColumn` goes in a ModelAdmin's list_display and readonly_fields (by the attribute name
it is given on the admin class); `money_fields` lists a model's fields for a read-only page
with each ``*_minor`` column replaced by its money column.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from solidarity.core.formatting import format_money
from solidarity.core.money import Money


class MoneyColumn:
    """A back-office column (or read-only field) showing `minor_field` in `currency_field` as money
    (`currency_field` may follow relations: "donation.currency")."""

    empty_value_display = "—"

    def __init__(
        self, minor_field: str = "amount_minor", currency_field: str = "currency", description: str | Promise = ""
    ) -> None:
        self.minor_field = minor_field
        self.currency_field = currency_field
        self.short_description = description or _("amount")
        self.admin_order_field = minor_field
        self.__name__ = minor_field.removesuffix("_minor")

    def __call__(self, obj: Any) -> str:
        minor = getattr(obj, self.minor_field, None)
        currency: Any = obj
        for part in self.currency_field.split("."):  # "donation.currency": through a relation
            currency = getattr(currency, part, "")
        if minor is None or not currency:
            return self.empty_value_display
        return format_money(Money.from_minor(minor, currency))


def money_fields(model: type[models.Model], columns: dict[str, str], exclude: tuple[str, ...] = ()) -> list[str]:
    """The model's field names in order, each minor-units field replaced by its column's name
    (`columns` maps "amount_minor" to "amount_display"), without `exclude`."""
    return [columns.get(f.name, f.name) for f in model._meta.fields if f.name not in exclude]
