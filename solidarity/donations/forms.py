"""Back-office form for recording a donation received outside the site."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from solidarity.campaigns.models import Campaign, CampaignStatus
from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.donations.models import STAFF_CHANNELS


class StaffDonationForm(forms.Form):
    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(
        queryset=Campaign.objects.filter(
            status__in=[CampaignStatus.ACTIVE, CampaignStatus.CLOSED, CampaignStatus.REPORTED]
        )
    )
    amount = forms.DecimalField(max_digits=14, decimal_places=3, help_text="In the campaign's currency.")
    channel = forms.ChoiceField(choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    received_on = forms.DateField(initial=timezone.localdate, help_text="YYYY-MM-DD")
    public_name = forms.CharField(max_length=80, required=False, help_text="Only if the donor asked to be named.")
    message = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    show_amount = forms.BooleanField(required=False, help_text="Only if the donor asked for the amount to be shown.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        campaign = data.get("campaign")
        if campaign is not None and data.get("amount") is not None:
            try:
                data["money"] = Money(data["amount"], campaign.currency)
            except DomainError as exc:
                self.add_error("amount", str(exc))
        return data
