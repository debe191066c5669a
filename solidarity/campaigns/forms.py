"""Back-office forms: amounts are typed in major units and stored as exact minor units."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns.models import Need
from solidarity.campaigns.services import check_monthly_schedule
from solidarity.core.errors import DomainError
from solidarity.core.money import Money, validate_currency


class NeedAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    amount = forms.DecimalField(
        label=_("Amount"), min_value=0, decimal_places=3, max_digits=14, help_text=_("e.g. 450 or 450.00")
    )

    class Meta:
        model = Need
        fields = (
            "category",
            "description",
            "amount",
            "currency",
            "recurrence",
            "months",
            "first_month",
            "due_day",
            "position",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["amount"] = self.instance.money.amount

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            currency = validate_currency(data.get("currency") or "")
            money = Money(data["amount"], currency) if data.get("amount") is not None else None
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if money is not None and not money.is_positive():
            raise forms.ValidationError(_("A need must be a positive amount."))
        campaign = getattr(self.instance, "campaign", None) if self.instance.campaign_id else None
        if campaign is not None and money is not None and money.currency != campaign.currency:
            raise forms.ValidationError(_("This campaign collects in %(currency)s.") % {"currency": campaign.currency})
        try:
            data["first_month"] = check_monthly_schedule(
                recurrence=data.get("recurrence") or "",
                months=data.get("months"),
                first_month=data.get("first_month"),
                due_day=data.get("due_day") or 1,
            )
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if money is not None:
            data["currency"] = money.currency
            self.instance.amount_minor = money.minor
        return data
