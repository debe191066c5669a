"""Core's one table: data keys for crypto-shredding (see shredding.py). No domain here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataKey(models.Model):
    """A random key that encrypts one record's personal data (or one batch's).

    Only the key wrapped by the field keys (SOLIDARITY_ENCRYPTION_KEYS, kept outside the
    database) is stored. Erasing the record's data deletes this row: the ciphertext that
    stays behind, in the table, old row versions, the WAL or a backup, cannot be opened
    with the field keys any more.
    """

    wrapped = models.TextField(verbose_name=_("wrapped"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("data key")
        verbose_name_plural = _("data keys")

    def __str__(self) -> str:
        return f"data key #{self.pk}"
