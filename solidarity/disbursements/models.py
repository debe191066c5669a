"""Money paid out against a campaign's needs, with private proof and a public description."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns.models import SurplusRule
from solidarity.core.money import Money


class PayeeCategory(models.TextChoices):
    LAWYER = "lawyer", _("Lawyer")
    CREDITOR_BANK = "creditor_bank", _("Creditor bank")
    DETENTION_TRANSFER = "detention_transfer", _("Transfer to the detention centre")
    FAMILY = "family", _("Family")
    VENDOR = "vendor", _("Vendor")


class DisbursementStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting", _("Awaiting a second approval")
    POSTED = "posted", _("Paid")
    VOIDED = "voided", _("Voided")
    REVERSED = "reversed", _("Reversed")


class Disbursement(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("campaign")
    )
    need = models.ForeignKey(
        "campaigns.Need", on_delete=models.PROTECT, related_name="disbursements", verbose_name=_("need")
    )
    payee_category = models.CharField(_("paid to"), max_length=24, choices=PayeeCategory.choices)
    # What the fund gave, in the campaign's currency (a payout in another currency: converted).
    amount_minor = models.BigIntegerField(verbose_name=_("amount minor"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    # A payout in another currency than the campaign's: what the payee received, and the rate
    # (campaign currency units per payout currency unit) with its source. Blank when the same.
    paid_amount_minor = models.BigIntegerField(null=True, blank=True, verbose_name=_("paid amount minor"))
    paid_currency = models.CharField(_("paid in currency"), max_length=3, blank=True, default="", db_default="")
    fx_rate = models.CharField(_("exchange rate"), max_length=24, blank=True, default="", db_default="")
    fx_source = models.CharField(_("source of the rate"), max_length=60, blank=True, default="", db_default="")
    paid_on = models.DateField(_("paid on"))
    public_description = models.CharField(
        _("public description"),
        max_length=300,
        help_text=_("Shown on the transparency page. Name no private person."),
    )
    status = models.CharField(max_length=10, choices=DisbursementStatus.choices, verbose_name=_("status"))
    # Payouts beyond the balance were once possible with a second approval; no fund may go
    # below zero now, so this stays False (kept for the payouts recorded before).
    overdraft_requested = models.BooleanField(default=False, verbose_name=_("overdraft requested"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("created by")
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(null=True, blank=True, verbose_name=_("approved at"))
    ledger_transaction = models.OneToOneField(
        "ledger.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursement",
        verbose_name=_("ledger transaction"),
    )
    void_reason = models.CharField(max_length=300, blank=True, verbose_name=_("void reason"))
    # Voiding a pending payout is asked for by one person and approved by another.
    void_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("void requested by"),
    )
    void_requested_at = models.DateTimeField(null=True, blank=True, verbose_name=_("void requested at"))
    void_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("void approved by"),
    )

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-paid_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="disbursement_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.get_payee_category_display()} {self.money} ({self.get_status_display()})"

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def paid_money(self) -> Money:
        """What the payee received: in the payout's own currency when it differed from the campaign's."""
        if self.paid_currency and self.paid_amount_minor is not None:
            return Money.from_minor(self.paid_amount_minor, self.paid_currency)
        return self.money


class DisbursementProof(models.Model):
    """A receipt, invoice or transfer confirmation: encrypted, never public."""

    # Fields encrypted with the field keys (solidarity.core.crypto); rotate_keys re-encrypts them.
    SEALED_FIELDS = ("sealed_data",)

    disbursement = models.ForeignKey(
        Disbursement, on_delete=models.PROTECT, related_name="proofs", verbose_name=_("disbursement")
    )
    name = models.CharField(max_length=40, verbose_name=_("name"))
    content_type = models.CharField(max_length=40, verbose_name=_("content type"))
    sealed_data = models.TextField(verbose_name=_("sealed data"))
    added_at = models.DateTimeField(auto_now_add=True, verbose_name=_("added at"))

    class Meta:
        verbose_name = _("disbursement proof")
        verbose_name_plural = _("disbursement proofs")

    def __str__(self) -> str:
        return self.name


class SurplusTransferStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting", _("Awaiting a second approval")
    POSTED = "posted", _("Moved")
    REJECTED = "rejected", _("Rejected")


class SurplusTransfer(models.Model):
    """A finished campaign's surplus moved as its rule says: to the same family's next campaign
    (`to_campaign`) or, without one, to the foundation's general fund. One person asks, another
    approves; only then is it posted (disbursements.surplus)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="surplus_transfers"
    )
    to_campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("the family's next campaign"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="surplus_received",
    )
    # The campaign's surplus rule when the move was asked for.
    rule = models.CharField(_("surplus rule"), max_length=24, choices=SurplusRule.choices)
    amount_minor = models.BigIntegerField(_("amount minor"))
    currency = models.CharField(_("currency"), max_length=3)
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=SurplusTransferStatus.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked for by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked for at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    out_transaction = models.OneToOneField(
        "ledger.Transaction",
        verbose_name=_("ledger transaction out"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    in_transaction = models.OneToOneField(
        "ledger.Transaction",
        verbose_name=_("ledger transaction in"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("surplus transfer")
        verbose_name_plural = _("surplus transfers")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="surplus_amount_positive"),
            # One request at a time per campaign.
            models.UniqueConstraint(
                fields=["campaign"], condition=models.Q(status="awaiting"), name="surplus_one_awaiting_per_campaign"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.money} ({self.get_status_display()})"

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)
