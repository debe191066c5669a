"""Payment rails: provider events applied once, card payments, channel switches and
imported bank statements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarity.core.money import Money
from solidarity.payments.payer_details import PayerDetails, open_payer_details


class ProviderEvent(models.Model):
    """One external event, stored once under (provider, event id), then applied once.

    Only the normalised fields the handlers need are kept (`data`), never the provider's
    raw payload: it names the cardholder. `data` is emptied once the event is applied.
    """

    class State(models.TextChoices):
        RECEIVED = "received", _("Received, not applied yet")
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored")
        WAITING = "waiting", _("Waiting for an earlier event")
        FAILED = "failed", _("Failed: cannot be applied")

    provider = models.CharField(max_length=20, verbose_name=_("provider"))
    event_id = models.CharField(max_length=100, verbose_name=_("event id"))
    type = models.CharField(max_length=60, verbose_name=_("type"))
    state = models.CharField(max_length=10, choices=State.choices, verbose_name=_("state"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    received_at = models.DateTimeField(auto_now_add=True, verbose_name=_("received at"))
    applied_at = models.DateTimeField(null=True, blank=True, verbose_name=_("applied at"))
    # Why a signed event could not be applied (odd fields, an amount out of range): for staff.
    failure_reason = models.CharField(
        max_length=300, blank=True, db_default="", verbose_name=_("failure reason")
    )  # db_default: events.store_event INSERTs by hand

    class Meta:
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="provider_event_once")]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id} {self.type} ({self.state})"


class CardPayment(models.Model):
    """The processor's ids for one card donation (a one-off, or one month of a pledge).

    `reference` is the only name of ours the processor holds: random, so that without our
    database it maps to no donation, campaign or beneficiary. The donor's way back from the
    hosted page (thank-you, cancel) is a random single-use token each, stored as its
    SHA-256 and blanked once used.
    """

    donation = models.OneToOneField(
        "donations.Donation", on_delete=models.PROTECT, related_name="card_payment", verbose_name=_("donation")
    )
    reference = models.CharField(max_length=40, null=True, blank=True, unique=True, verbose_name=_("reference"))
    thanks_token_hash = models.CharField(
        max_length=64, null=True, blank=True, unique=True, verbose_name=_("thanks token hash")
    )
    cancel_token_hash = models.CharField(
        max_length=64, null=True, blank=True, unique=True, verbose_name=_("cancel token hash")
    )
    checkout_session_id = models.CharField(
        max_length=100, null=True, blank=True, unique=True, verbose_name=_("checkout session id")
    )
    invoice_id = models.CharField(max_length=100, null=True, blank=True, unique=True, verbose_name=_("invoice id"))
    payment_intent_id = models.CharField(
        max_length=100, null=True, blank=True, unique=True, verbose_name=_("payment intent id")
    )
    charge_id = models.CharField(max_length=100, null=True, blank=True, unique=True, verbose_name=_("charge id"))
    fee_minor = models.BigIntegerField(null=True, blank=True, verbose_name=_("fee minor"))
    refunded_minor = models.BigIntegerField(default=0, verbose_name=_("refunded minor"))
    dispute_id = models.CharField(max_length=100, null=True, blank=True, unique=True, verbose_name=_("dispute id"))
    dispute_state = models.CharField(
        max_length=10, blank=True, verbose_name=_("dispute state")
    )  # "", "held", "won", "lost"

    class Meta:
        verbose_name = _("card payment")
        verbose_name_plural = _("card payments")

    def __str__(self) -> str:
        return f"card payment for donation {self.donation_id}"


class ChannelSetting(models.Model):
    """Staff switch a rail off site-wide when a processor or bank cuts the foundation off."""

    channel = models.CharField(max_length=16, unique=True, verbose_name=_("channel"))
    enabled = models.BooleanField(default=True, verbose_name=_("enabled"))
    notice = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Shown on every donate form while this channel is off."),
        verbose_name=_("notice"),
    )
    changed_at = models.DateTimeField(auto_now=True, verbose_name=_("changed at"))

    class Meta:
        verbose_name = _("channel setting")
        verbose_name_plural = _("channel settings")

    def __str__(self) -> str:
        return f"{self.channel}: {'on' if self.enabled else 'off'}"


class ImportedStatement(models.Model):
    """One import run of a bank statement file (the file itself is not kept)."""

    file_sha256 = models.CharField(max_length=64, verbose_name=_("file SHA-256"))
    format = models.CharField(max_length=10, verbose_name=_("format"))
    account = models.CharField(max_length=64, blank=True, verbose_name=_("account"))
    imported_at = models.DateTimeField(auto_now_add=True, verbose_name=_("imported at"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("imported by"),
    )
    lines_total = models.PositiveIntegerField(default=0, verbose_name=_("lines total"))
    lines_new = models.PositiveIntegerField(default=0, verbose_name=_("lines new"))
    lines_duplicate = models.PositiveIntegerField(default=0, verbose_name=_("lines duplicate"))
    lines_matched = models.PositiveIntegerField(default=0, verbose_name=_("lines matched"))
    lines_unmatched = models.PositiveIntegerField(default=0, verbose_name=_("lines unmatched"))

    class Meta:
        verbose_name = _("imported statement")
        verbose_name_plural = _("imported statements")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.format} import #{self.pk} ({self.lines_total} lines)"


class BankLine(models.Model):
    """A booked line of a bank statement, stored once under its checksum.

    Amount, date and the RF references found in it stay in plain columns: matching needs
    them, and a reference names a pending donation, not a person. The payer's name,
    account and the remittance text are sealed under the line's own data key
    (solidarity.core.shredding) before the row is written; matching, dismissing or the
    retention purge destroys that key, so no copy of them stays readable anywhere.
    """

    SHREDDED_FIELDS = {"data_key": ("payer_sealed",)}

    class State(models.TextChoices):
        UNMATCHED = "unmatched", _("Waiting for review")
        MATCHED = "matched", _("Matched")
        IGNORED = "ignored", _("Not a donation")
        DUPLICATE = "duplicate", _("Same movement as a line of another statement")

    checksum = models.CharField(max_length=64, unique=True, verbose_name=_("checksum"))
    statement = models.ForeignKey(
        ImportedStatement, on_delete=models.PROTECT, related_name="lines", verbose_name=_("statement")
    )
    booking_date = models.DateField(verbose_name=_("booking date"))
    amount_minor = models.BigIntegerField(verbose_name=_("amount minor"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    # RF references found in the line's reference and text (normalised, space-separated).
    reference = models.CharField(max_length=64, blank=True, verbose_name=_("reference"))
    # {"name", "account", "text"} as JSON, sealed under `data_key`; NULL key: erased.
    data_key = models.ForeignKey(
        "core.DataKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("data key")
    )
    payer_sealed = models.TextField(blank=True, editable=False, verbose_name=_("payer sealed"))
    state = models.CharField(max_length=10, choices=State.choices, default=State.UNMATCHED, verbose_name=_("state"))
    note = models.CharField(max_length=300, blank=True, verbose_name=_("note"))
    # The foundation's account the line is on, and keyed hashes of what identifies the
    # movement (references, counterparty, text: payments.movements), so the same movement
    # in an MT940 and a camt.053 of that account is recognised.
    account = models.CharField(max_length=64, blank=True, default="", db_default="", verbose_name=_("account"))
    movement_tags = models.CharField(
        max_length=200, blank=True, default="", db_default="", verbose_name=_("movement tags")
    )
    # Its index is built concurrently (migration 0011), like bank_line_movement.
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
        db_index=False,
        verbose_name=_("duplicate of"),
    )

    class Meta:
        verbose_name = _("bank line")
        verbose_name_plural = _("bank lines")
        ordering = ["booking_date", "id"]
        indexes = [
            models.Index(fields=["state", "booking_date"]),
            models.Index(fields=["account", "booking_date", "amount_minor"], name="bank_line_movement"),
            models.Index(fields=["duplicate_of"], name="bank_line_duplicate_of"),
        ]

    def __str__(self) -> str:
        return f"{self.booking_date} {self.money} ({self.state})"

    @property
    def money(self) -> Money:
        return Money.from_minor(self.amount_minor, self.currency)

    @property
    def payer(self) -> PayerDetails:
        """The payer's details, decrypted (once per stored value); empty once erased."""
        memo: tuple[str, PayerDetails] | None = getattr(self, "_payer_memo", None)
        if memo is None or memo[0] != self.payer_sealed or self.data_key_id is None:
            key = self.data_key if self.data_key_id else None
            memo = (self.payer_sealed, open_payer_details(key, self.payer_sealed))
            self._payer_memo = memo
        return memo[1]

    @property
    def payer_name(self) -> str:
        return self.payer.name

    @property
    def payer_account(self) -> str:
        return self.payer.account

    @property
    def remittance(self) -> str:
        return self.payer.text


class BankLineAllocation(models.Model):
    """Part (or all) of a bank line paid to one donation; one line may pay several."""

    line = models.ForeignKey(BankLine, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("line"))
    donation = models.ForeignKey(
        "donations.Donation", on_delete=models.PROTECT, related_name="bank_allocations", verbose_name=_("donation")
    )
    amount_minor = models.BigIntegerField(verbose_name=_("amount minor"))
    ledger_transaction = models.OneToOneField(
        "ledger.Transaction", on_delete=models.PROTECT, related_name="+", verbose_name=_("ledger transaction")
    )
    # A wrong match undone (payments.review.undo_line_match): the reversing transaction.
    undone_by = models.OneToOneField(
        "ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("bank line allocation")
        verbose_name_plural = _("bank line allocations")

    def __str__(self) -> str:
        return f"line {self.line_id} → donation {self.donation_id}{' (undone)' if self.undone_by_id else ''}"


class CsvFormat(models.Model):
    """A bank's CSV export layout, set up once in the back office and chosen at every import.

    Columns are named as in the bank's header row; `remittance_columns` may name several,
    comma-separated. `account` is the foundation's account the exports are of (a CSV
    names none).
    """

    name = models.CharField(_("bank / export name"), max_length=80, unique=True)
    account = models.CharField(_("the foundation's account"), max_length=64)
    skip_lines = models.PositiveSmallIntegerField(
        _("lines before the header"),
        default=0,
        help_text=_("How many lines to skip before the header row (some banks write the account and period there)."),
    )
    encoding = models.CharField(_("text encoding"), max_length=20, default="utf-8")
    delimiter = models.CharField(_("delimiter"), max_length=1, blank=True, help_text=_("Empty: guessed."))
    date_column = models.CharField(_("booking date column"), max_length=80)
    date_format = models.CharField(_("date format"), max_length=20, default="%d.%m.%Y")
    amount_column = models.CharField(_("signed amount column"), max_length=80, blank=True)
    debit_column = models.CharField(_("debit column"), max_length=80, blank=True)
    credit_column = models.CharField(_("credit column"), max_length=80, blank=True)
    decimal_comma = models.BooleanField(_("amounts use a decimal comma"), default=True)
    currency_column = models.CharField(_("currency column"), max_length=80, blank=True)
    fixed_currency = models.CharField(_("currency of every line"), max_length=3, blank=True)
    remittance_columns = models.CharField(_("remittance text columns"), max_length=300, blank=True)
    payer_name_column = models.CharField(_("payer name column"), max_length=80, blank=True)
    payer_account_column = models.CharField(_("payer account column"), max_length=80, blank=True)
    bank_reference_column = models.CharField(_("bank reference column"), max_length=80, blank=True)
    value_date_column = models.CharField(_("value date column"), max_length=80, blank=True)
    end_to_end_column = models.CharField(_("end-to-end id column"), max_length=80, blank=True)
    structured_reference_column = models.CharField(_("creditor reference column"), max_length=80, blank=True)
    changed_at = models.DateTimeField(auto_now=True, verbose_name=_("changed at"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("CSV column mapping")
        verbose_name_plural = _("CSV column mappings")

    def __str__(self) -> str:
        return f"{self.name} ({self.account})"


class HeldStatement(models.Model):
    """A statement file between its preview and its booking (payments.statement_preview).

    Only ciphertext: the key is the token in the person's preview page, of which only the
    SHA-256 is stored. Taken (deleted) at booking; older than the hold time, purged.
    """

    token_sha256 = models.CharField(max_length=64, unique=True)
    sealed = models.BinaryField()
    held_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("statement awaiting booking")
        verbose_name_plural = _("statements awaiting booking")

    def __str__(self) -> str:
        return f"statement held since {self.held_at:%Y-%m-%d %H:%M}"
