"""The audit log of staff actions: append-only, written in the action's own transaction."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from solidarity.core.append_only import AppendOnlyQuerySet


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_type}#{self.target_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from solidarity.core.errors import ImmutableRecord

        if not self._state.adding:
            raise ImmutableRecord("Audit entries cannot be changed.")
        super().save(*args, **kwargs)
