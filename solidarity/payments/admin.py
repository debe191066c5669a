"""Back office for payment rails: channel switches, events, card payments, bank lines."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from solidarity.core.admin_money import MoneyColumn, money_fields
from solidarity.donations.models import Channel
from solidarity.ledger.admin import ReadOnlyAdmin
from solidarity.payments.channels import set_channel
from solidarity.payments.models import CardPayment, ChannelSetting, ProviderEvent
from solidarity.rates.models import ExchangeRate


class ChannelSettingForm(forms.ModelForm):  # type: ignore[type-arg]
    channel = forms.ChoiceField(
        label=gettext_lazy("channel"),
        choices=[(Channel.CARD.value, Channel.CARD.label), (Channel.BANK_TRANSFER.value, Channel.BANK_TRANSFER.label)],
    )

    class Meta:
        model = ChannelSetting
        fields = ("channel", "enabled", "notice")


@admin.register(ChannelSetting)
class ChannelSettingAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Switching a rail goes through the service: audited, and the cache is cleared."""

    form = ChannelSettingForm
    list_display = ("channel", "enabled", "notice", "changed_at")

    def save_model(self, request: HttpRequest, obj: ChannelSetting, form: Any, change: bool) -> None:
        saved = set_channel(channel=obj.channel, enabled=obj.enabled, notice=obj.notice, actor=request.user)
        obj.pk = saved.pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ProviderEvent)
class ProviderEventAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "type", "event_id", "state", "failure_reason")
    list_filter = ("provider", "state", "type")


@admin.register(CardPayment)
class CardPaymentAdmin(ReadOnlyAdmin):
    list_display = (
        "donation",
        "checkout_session_id",
        "payment_intent_id",
        "charge_id",
        "fee_display",
        "refunded_display",
        "dispute_state",
    )
    fee_display = MoneyColumn("fee_minor", "donation.currency", gettext_lazy("fee"))
    refunded_display = MoneyColumn("refunded_minor", "donation.currency", gettext_lazy("refunded"))
    readonly_fields = money_fields(
        CardPayment,
        {"fee_minor": "fee_display", "refunded_minor": "refunded_display"},
        exclude=("thanks_token_hash", "cancel_token_hash"),
    )
    fields = tuple(readonly_fields)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(ReadOnlyAdmin):
    list_display = ("day", "currency", "per_euro", "source")
    list_filter = ("currency", "source")
    date_hierarchy = "day"


# Importing these registers their admins (the statement import; the card refund action).
from solidarity.payments import admin_refunds, admin_review, admin_statements  # noqa: E402

__all__ = ["admin_refunds", "admin_review", "admin_statements"]
