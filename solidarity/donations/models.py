"""Donations: what a donor gave, through which channel, and what they chose to show."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarity.core.money import Money


class Channel(models.TextChoices):
    CARD = "card", _("Card")
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")
    CASH = "cash", _("Cash")
    OTHER_PLATFORM = "other_platform", _("Other platform")
    OTHER = "other", _("Other")


# Channels staff may record by hand (money received outside the site's own rails).
STAFF_CHANNELS = (Channel.CASH, Channel.BANK_TRANSFER, Channel.OTHER_PLATFORM, Channel.OTHER)


class DonationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    PAID = "paid", _("Paid")
    REVERSED = "reversed", _("Reversed")
    EXPIRED = "expired", _("Expired")


class Donation(models.Model):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.PROTECT, related_name="donations")
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    status = models.CharField(max_length=10, choices=DonationStatus.choices, default=DonationStatus.PENDING)
    # Only what the donor chose to make public; blank means anonymous.
    public_name = models.CharField(_("public name"), max_length=80, blank=True)
    message = models.CharField(_("public message"), max_length=500, blank=True)
    receipt_code_hash = models.CharField(max_length=64, unique=True)
    received_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    ledger_transaction = models.OneToOneField(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="donation"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="donation_amount_positive")]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"Donation #{self.pk}: {self.money} to {self.campaign_id}"

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def display_name(self) -> str:
        return self.public_name or str(_("Anonymous"))
