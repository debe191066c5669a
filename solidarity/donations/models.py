"""Donations: what a donor gave, through which channel, and what they chose to show."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from solidarity.core.formatting import format_money
from solidarity.core.money import Money
from solidarity.core.shredding import open_text


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
    REFUNDED = "refunded", _("Refunded")
    REVERSED = "reversed", _("Reversed")
    EXPIRED = "expired", _("Expired")


class Recurrence(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    MONTHLY = "monthly", _("Monthly")


class PledgeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the first payment")
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")


class Pledge(models.Model):
    """A monthly gift. The donor manages it through a secret link; no account, no email kept.

    By card the rail collects the months (`provider_subscription_id`). By bank transfer the
    donor sets up a standing order at their own bank quoting `bank_reference`, which stays
    valid: each transfer with it becomes this pledge's next donation (`standing_orders`).
    """

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="pledges", verbose_name=_("campaign")
    )
    amount_minor = models.BigIntegerField(verbose_name=_("amount minor"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    status = models.CharField(
        max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.PENDING, verbose_name=_("status")
    )
    provider_subscription_id = models.CharField(
        max_length=100, null=True, blank=True, unique=True, verbose_name=_("provider subscription id")
    )
    channel = models.CharField(
        max_length=16, choices=Channel.choices, default=Channel.CARD, db_default=Channel.CARD, verbose_name=_("channel")
    )
    # A standing order's ISO 11649 reference (bank transfer only): never expires.
    bank_reference = models.CharField(
        max_length=35, null=True, blank=True, unique=True, verbose_name=_("bank reference")
    )
    manage_token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("manage token hash"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    cancelled_at = models.DateTimeField(null=True, blank=True, verbose_name=_("cancelled at"))

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        constraints = [models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="pledge_amount_positive")]

    def __str__(self) -> str:
        return gettext("Pledge #%(id)s: %(amount)s monthly") % {"id": self.pk, "amount": format_money(self.money)}

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class Donation(models.Model):
    # Sealed under per-donation data keys (solidarity.core.shredding): erasing destroys the key.
    SHREDDED_FIELDS = {"message_key": ("private_message_sealed",), "secret_key": ("sealed_secret",)}

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="donations", verbose_name=_("campaign")
    )
    amount_minor = models.BigIntegerField(verbose_name=_("amount minor"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    channel = models.CharField(max_length=16, choices=Channel.choices, verbose_name=_("channel"))
    recurrence = models.CharField(
        max_length=8, choices=Recurrence.choices, default=Recurrence.ONE_OFF, verbose_name=_("recurrence")
    )
    pledge = models.ForeignKey(
        Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="donations", verbose_name=_("pledge")
    )
    status = models.CharField(
        max_length=10, choices=DonationStatus.choices, default=DonationStatus.PENDING, verbose_name=_("status")
    )
    # Only what the donor chose to make public; blank means anonymous.
    public_name = models.CharField(_("public name"), max_length=80, blank=True)
    message = models.CharField(_("public message"), max_length=500, blank=True)
    # The donor chose to show the amount next to their name in the public supporters list.
    show_amount = models.BooleanField(_("amount shown publicly"), default=False, db_default=False)
    # Staff took the name and message off the public pages (audited); counted as anonymous then.
    public_hidden_at = models.DateTimeField(null=True, blank=True, verbose_name=_("hidden from the public at"))
    # No index: only the rare deletion of a staff account looks donations up by it, and an
    # index built on the donations table would hold up every donation during a deploy.
    public_hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("hidden from the public by"),
    )
    # A message the donor meant for the family only: sealed under its own data key, never
    # shown publicly; erased by destroying the key.
    private_message_sealed = models.TextField(blank=True, verbose_name=_("private message sealed"))
    message_key = models.ForeignKey(
        "core.DataKey",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("message key"),
    )
    receipt_code_hash = models.CharField(max_length=64, unique=True, verbose_name=_("receipt code hash"))
    # The receipt code (and for monthly gifts the manage link), sealed under its own data
    # key until the donor has seen it once on the thank-you page; then the key is destroyed.
    sealed_secret = models.TextField(blank=True, verbose_name=_("sealed secret"))
    secret_key = models.ForeignKey(
        "core.DataKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("secret key")
    )
    # ISO 11649 creditor reference for a bank transfer (RF + check digits + our code).
    bank_reference = models.CharField(
        max_length=35, null=True, blank=True, unique=True, verbose_name=_("bank reference")
    )
    expires_at = models.DateTimeField(null=True, blank=True, verbose_name=_("expires at"))
    received_on = models.DateField(null=True, blank=True, verbose_name=_("received on"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    ledger_transaction = models.OneToOneField(
        "ledger.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donation",
        verbose_name=_("ledger transaction"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("donation")
        verbose_name_plural = _("donations")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="donation_amount_positive")]
        indexes = [models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return gettext("Donation #%(id)s: %(amount)s to campaign #%(campaign)s") % {
            "id": self.pk,
            "amount": format_money(self.money),
            "campaign": self.campaign_id,
        }

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def display_name(self) -> str:
        return self.public_name or str(_("Anonymous"))

    @property
    def private_message(self) -> str:
        """The message for the family, decrypted; empty when there was none or it was erased."""
        if not self.private_message_sealed or self.message_key_id is None:
            return ""
        return open_text(self.message_key, self.private_message_sealed)


class RefundKind(models.TextChoices):
    REFUND = "refund", _("Refund to the donor")
    REVERSAL = "reversal", _("Reversal (the donation should not have been recorded)")


class RefundRequestStatus(models.TextChoices):
    AWAITING = "awaiting", _("Awaiting a second approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    FAILED = "failed", _("Failed at the payment processor")


class RefundRequest(models.Model):
    """Money a person asks to send back (a refund) or take back out (a reversal) of a donation.

    Nothing moves until a second person approves (`refund_requests.approve_refund`); a card
    refund is then sent through the rail and booked when the rail reports it
    (`ledger_transaction` is linked then), any other is booked at approval.
    """

    donation = models.ForeignKey(
        Donation, on_delete=models.PROTECT, related_name="refund_requests", verbose_name=_("donation")
    )
    kind = models.CharField(
        max_length=10, choices=RefundKind.choices, default=RefundKind.REFUND, verbose_name=_("kind")
    )
    # In the donation's (the donor's) currency.
    amount_minor = models.BigIntegerField(verbose_name=_("amount minor"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        max_length=10,
        choices=RefundRequestStatus.choices,
        default=RefundRequestStatus.AWAITING,
        verbose_name=_("status"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(auto_now_add=True, verbose_name=_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("decided at"))
    decision_note = models.CharField(max_length=300, blank=True, verbose_name=_("decision note"))
    provider_refund_id = models.CharField(max_length=100, blank=True, verbose_name=_("provider refund id"))
    ledger_transaction = models.OneToOneField(
        "ledger.Transaction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refund_request",
        verbose_name=_("ledger transaction"),
    )

    class Meta:
        verbose_name = _("refund request")
        verbose_name_plural = _("refund requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="refund_request_amount_positive")
        ]
        indexes = [models.Index(fields=["donation", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}: {self.money} of donation #{self.donation_id}"

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)
