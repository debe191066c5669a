"""Back-office form for recording a donation received outside the site."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns.models import Campaign, CampaignStatus
from solidarity.core.errors import DomainError
from solidarity.core.money import Money
from solidarity.donations.models import STAFF_CHANNELS


class StaffDonationForm(forms.Form):
    campaign: forms.ModelChoiceField[Campaign] = forms.ModelChoiceField(
        queryset=Campaign.objects.filter(
            status__in=[CampaignStatus.ACTIVE, CampaignStatus.CLOSED, CampaignStatus.REPORTED]
        ),
        label=_("Campaign"),
    )
    amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=3, help_text=_("In the campaign's currency.")
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c.value, c.label) for c in STAFF_CHANNELS])
    received_on = forms.DateField(label=_("Received on"), initial=timezone.localdate, help_text=_("YYYY-MM-DD"))
    public_name = forms.CharField(
        label=_("Public name"), max_length=80, required=False, help_text=_("Only if the donor asked to be named.")
    )
    message = forms.CharField(
        label=_("Message"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    show_amount = forms.BooleanField(
        label=_("Show the amount"),
        required=False,
        help_text=_("Only if the donor asked for the amount to be shown."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        campaign = data.get("campaign")
        if campaign is not None and data.get("amount") is not None:
            try:
                data["money"] = Money(data["amount"], campaign.currency)
            except DomainError as exc:
                self.add_error("amount", str(exc))
        return data
