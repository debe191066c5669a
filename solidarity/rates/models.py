"""Exchange reference rates, as published (ECB euro rates)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeRate(models.Model):
    """How many units of `currency` one euro bought on `day`, from `source` (ECB).

    Stored as exact decimal text: SQLite would keep a NUMERIC column as a float.
    The table and index keep the names they had under payments, where the model began.
    """

    day = models.DateField(verbose_name=_("day"))
    currency = models.CharField(max_length=3, verbose_name=_("currency"))
    per_euro = models.CharField(max_length=24, verbose_name=_("per euro"))
    source = models.CharField(max_length=40, default="ECB", verbose_name=_("source"))

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        db_table = "payments_exchangerate"
        constraints = [models.UniqueConstraint(fields=["day", "currency", "source"], name="rate_once_per_day")]
        indexes = [models.Index(fields=["currency", "-day"], name="payments_ex_currenc_03b0d1_idx")]

    def __str__(self) -> str:
        return f"{self.day} 1 EUR = {self.per_euro} {self.currency} ({self.source})"

    @property
    def rate(self) -> Decimal:
        return Decimal(self.per_euro)
