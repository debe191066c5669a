"""Double-entry ledger: accounts, transactions and their postings.

Postings carry signed integer minor units: positive is a debit, negative a credit.
A transaction balances when its postings sum to zero in every currency. Posted rows are
append-only: the ORM refuses updates and deletes, and on PostgreSQL triggers refuse them
too (migration 0002). Corrections are new reversing transactions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from solidarity.core.append_only import AppendOnlyModel
from solidarity.core.money import Money


class AccountKind(models.TextChoices):
    ASSET = "asset", _("Asset")
    LIABILITY = "liability", _("Liability")
    INCOME = "income", _("Income")
    EXPENSE = "expense", _("Expense")
    EQUITY = "equity", _("Equity")


class AccountPurpose(models.TextChoices):
    """What an account is for; with its owner and currency it identifies the account."""

    CAMPAIGN_FUND = "campaign_fund", _("Campaign fund")
    CASH = "cash", _("Cash on hand")
    BANK = "bank", _("Bank account")
    CARD_PROCESSOR = "card_processor", _("Card processor balance")
    OTHER_PLATFORM = "other_platform", _("Other platforms")
    FEES = "fees", _("Payment fees")
    DISPUTED = "disputed", _("Held while a card payment is disputed")
    FX = "fx", _("Currency exchange")
    DISBURSED = "disbursed", _("Paid out to needs")
    RESERVE = "reserve", _("Foundation reserve")
    # Surplus of finished campaigns whose rule gives it to other prisoners (owner "").
    GENERAL_FUND = "general_fund", _("General fund for other prisoners")


# Accounts of these purposes never go into debit balance: a campaign fund holds what it
# was given and can pay out, return or hold no more than that. Outflows nobody chose (a
# lost dispute beyond what is left) are covered from the foundation's `reserve` instead.
# `verify_ledger` checks it; on PostgreSQL a deferred trigger refuses it (migration 0010).
NEVER_IN_DEBIT = (AccountPurpose.CAMPAIGN_FUND,)


# The foundation's own accounts (bank, card processor, fees, FX…) have no owner.
FOUNDATION = ""


class Account(models.Model):
    """One account of the book, identified by (owner, purpose, currency).

    The owner is an opaque address that the ledger never interprets — "campaign:42" for a
    campaign's fund, "" for the foundation's own accounts — as in Formance's account
    addresses or TigerBeetle's user_data: applications point at accounts, never the other
    way round.
    """

    owner = models.CharField(
        max_length=64, blank=True, default=FOUNDATION, db_default=FOUNDATION, verbose_name=_("owner")
    )
    purpose = models.CharField(max_length=32, choices=AccountPurpose.choices, verbose_name=_("purpose"))
    kind = models.CharField(max_length=16, choices=AccountKind.choices, verbose_name=_("kind"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(fields=["owner", "purpose", "currency"], name="account_unique_per_owner"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.currency} ({self.owner or gettext('foundation')})"


class TransactionKind(models.TextChoices):
    DONATION = "donation", _("Donation")
    REVERSAL = "reversal", _("Reversal")
    FEE = "fee", _("Fee")
    REFUND = "refund", _("Refund")
    CHARGEBACK = "chargeback", _("Chargeback")
    DISPUTE = "dispute", _("Dispute hold or release")
    FX = "fx", _("Currency exchange")
    DISBURSEMENT = "disbursement", _("Disbursement")
    ADJUSTMENT = "adjustment", _("Adjustment")
    # A finished campaign's surplus moved as its rule says (to the family's next campaign or the general fund).
    SURPLUS = "surplus", _("Surplus moved")


class Transaction(AppendOnlyModel):
    kind = models.CharField(max_length=16, choices=TransactionKind.choices, verbose_name=_("kind"))
    # Whose books the transaction is in (opaque, like Account.owner): every posting on an
    # account that has an owner belongs to a transaction of that same owner.
    owner = models.CharField(
        max_length=64, blank=True, default=FOUNDATION, db_default=FOUNDATION, verbose_name=_("owner")
    )
    memo = models.CharField(max_length=200, blank=True, verbose_name=_("memo"))
    occurred_on = models.DateField(verbose_name=_("occurred on"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    # The reversed transaction; unique so nothing is reversed twice.
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by", verbose_name=_("reverses")
    )
    # Unique key of the external event or command that caused this transaction.
    idempotency_key = models.CharField(
        max_length=200, null=True, blank=True, unique=True, verbose_name=_("idempotency key")
    )
    # What the transaction is about, e.g. "donation:42": ties refunds and disputes to their donation.
    ref = models.CharField(
        max_length=64, blank=True, default="", db_default="", db_index=True, verbose_name=_("reference")
    )
    # For a conversion: the rate used (target units per source unit) and where it came from.
    fx_rate = models.CharField(max_length=24, blank=True, default="", db_default="", verbose_name=_("exchange rate"))
    fx_source = models.CharField(
        max_length=60, blank=True, default="", db_default="", verbose_name=_("exchange rate source")
    )

    class Meta:
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")
        ordering = ["id"]
        indexes = [models.Index(fields=["owner", "kind"], name="ledger_txn_owner_kind")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.occurred_on}"


class Posting(AppendOnlyModel):
    transaction = models.ForeignKey(
        Transaction, on_delete=models.PROTECT, related_name="postings", verbose_name=_("transaction")
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="postings", verbose_name=_("account"))
    amount_minor = models.BigIntegerField(
        help_text="Signed minor units: debit positive, credit negative.", verbose_name=_("amount minor")
    )
    currency = models.CharField(max_length=3, verbose_name=_("currency"))

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount_minor=0), name="posting_amount_nonzero"),
        ]
        indexes = [models.Index(fields=["account", "transaction"])]

    def __str__(self) -> str:
        return f"{self.account}: {self.money}"

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)


class VerificationRun(models.Model):
    """The outcome of one `verify_ledger` run (scheduled hourly): the back office's alarm and
    `/readyz` read the latest. Problems name transactions and log entries, never people."""

    checked_at = models.DateTimeField(db_index=True, verbose_name=_("checked at"))
    ok = models.BooleanField(verbose_name=_("ok"))
    problem_count = models.PositiveIntegerField(default=0, verbose_name=_("problem count"))
    first_problem = models.TextField(blank=True, verbose_name=_("first problem"))
    transactions = models.PositiveBigIntegerField(default=0, verbose_name=_("transactions"))
    postings = models.PositiveBigIntegerField(default=0, verbose_name=_("postings"))

    class Meta:
        verbose_name = _("verification run")
        verbose_name_plural = _("verification runs")
        ordering = ["-checked_at", "-id"]
        get_latest_by = ["checked_at", "id"]

    def __str__(self) -> str:
        return f"verification at {self.checked_at:%Y-%m-%d %H:%M}: {'ok' if self.ok else 'FAILED'}"
