"""Append-only rows: the ORM refuses to change or delete them once written.

Ledger transactions and postings, the public log and the staff audit log are kept this
way; on PostgreSQL triggers refuse the same whatever client writes (ledger migrations
0002 and 0004). Corrections are new rows, such as a reversing transaction.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from solidarity.core.errors import ImmutableRecord

APPEND_ONLY = "These rows are append-only: record a correcting entry (such as a reversing transaction) instead."


class AppendOnlyQuerySet(models.QuerySet[Any]):
    def update(self, **kwargs: Any) -> int:
        raise ImmutableRecord(APPEND_ONLY)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(APPEND_ONLY)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(APPEND_ONLY)
