"""The public donate form: works without JavaScript, keeps nothing the donor did not type."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns.models import Campaign
from solidarity.core.amount_input import parse_amount
from solidarity.core.errors import DomainError
from solidarity.core.formatting import format_money, format_number
from solidarity.core.money import Money
from solidarity.core.text_input import clean_public_text
from solidarity.donations.intents import donor_currencies, min_donation
from solidarity.donations.models import Channel, Recurrence
from solidarity.donations.services import max_donation

STANDARD_PRESETS = [Decimal(10), Decimal(25), Decimal(50)]


def amount_presets(campaign: Campaign) -> list[Money]:
    """A few amounts to pick: common small gifts plus each need that one person could cover."""
    values = set(STANDARD_PRESETS)
    for need in campaign.needs.all():
        if need.money.amount <= 500:
            values.add(need.money.amount)
    return [Money(v, campaign.currency) for v in sorted(values)[:6]]


class DonateForm(forms.Form):
    preset = forms.ChoiceField(label=_("Amount"), required=False, widget=forms.RadioSelect)
    other_amount = forms.CharField(label=_("Other amount"), required=False, max_length=20)
    currency = forms.ChoiceField(label=_("Currency"))
    recurrence = forms.ChoiceField(
        label=_("How often"), choices=Recurrence.choices, initial=Recurrence.ONE_OFF, widget=forms.RadioSelect
    )
    channel = forms.ChoiceField(
        label=_("How you pay"),
        choices=[(Channel.CARD.value, _("Card")), (Channel.BANK_TRANSFER.value, _("Bank transfer"))],
        widget=forms.RadioSelect,
    )
    public_name = forms.CharField(
        label=_("Public name (optional)"),
        required=False,
        max_length=80,
        help_text=_("Leave empty to give anonymously. Whatever you type here is shown publicly."),
    )
    message = forms.CharField(
        label=_("Public message (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on the campaign page."),
    )
    show_amount = forms.BooleanField(
        label=_("Show the amount next to my name or message"),
        required=False,
        help_text=_("Without this, the supporters list shows only your name or message and the day."),
    )
    private_message = forms.CharField(
        label=_("Private message for the family (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never shown publicly. Stored encrypted; the foundation passes it on to the family."),
    )
    # Honeypot: hidden from people by the stylesheet; bots fill it in.
    website = forms.CharField(label=_("Leave this field empty"), required=False, max_length=100)

    def __init__(self, *args: Any, campaign: Campaign, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.presets = amount_presets(campaign)
        preset = self.fields["preset"]
        currency = self.fields["currency"]
        assert isinstance(preset, forms.ChoiceField) and isinstance(currency, forms.ChoiceField)
        preset.choices = [(format(m.amount.normalize(), "f"), format_number(m.amount)) for m in self.presets]
        currency.choices = [(c, c) for c in donor_currencies(campaign)]
        self.fields["currency"].initial = campaign.currency

    def clean_public_name(self) -> str:
        return clean_public_text(self.cleaned_data.get("public_name") or "", multiline=False)

    def clean_message(self) -> str:
        return clean_public_text(self.cleaned_data.get("message") or "")

    def clean_private_message(self) -> str:
        return clean_public_text(self.cleaned_data.get("private_message") or "")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("This form could not be sent. Please try again."), code="honeypot")
        typed = (data.get("other_amount") or "").strip()
        raw = typed or (data.get("preset") or "")
        if not raw:
            self.add_error("other_amount", _("Choose or enter an amount."))
            return data
        currency = data.get("currency") or self.campaign.currency
        try:
            # A preset is our own canonical value ("12.5"); what the donor typed is read
            # as the page's language writes numbers (solidarity/core/amount_input.py).
            money = parse_amount(raw, currency, maximum=max_donation(currency), locale=None if typed else "en")
        except DomainError as exc:
            self.add_error("other_amount", exc.message)
        else:
            if money < min_donation(currency):
                self.add_error(
                    "other_amount",
                    _("The smallest donation is %(minimum)s.") % {"minimum": format_money(min_donation(currency))},
                )
            else:
                data["money"] = money
        return data
