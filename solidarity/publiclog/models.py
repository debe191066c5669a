"""The public log's tables: one sealed entry per ledger transaction, and signed checkpoints.

Both are append-only like the ledger itself (the ORM refuses edits and deletes; on
PostgreSQL triggers from ledger migration 0004 refuse them too). Entries get their index when
the sealer runs, not when the money moves, so donations never wait for each other on
the log; docs/public-log.md describes the formats.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from solidarity.core.append_only import AppendOnlyModel
from solidarity.ledger.models import Transaction


class LogEntry(AppendOnlyModel):
    """A ledger transaction's public, canonical description and its RFC 9162 leaf hash."""

    index = models.PositiveBigIntegerField(unique=True, verbose_name=_("index"))
    transaction = models.OneToOneField(
        Transaction, on_delete=models.PROTECT, related_name="log_entry", verbose_name=_("transaction")
    )
    # Canonical JSON, ASCII only, so the text is the exact byte string that is hashed.
    entry = models.TextField(verbose_name=_("entry"))
    leaf_hash = models.CharField(max_length=64, help_text="Hex SHA-256(0x00 || entry).", verbose_name=_("leaf hash"))
    sealed_at = models.DateTimeField(verbose_name=_("sealed at"))

    class Meta:
        verbose_name = _("log entry")
        db_table = "ledger_logentry"  # created by ledger migration 0004, before the log had an app
        ordering = ["index"]
        verbose_name_plural = _("log entries")

    def __str__(self) -> str:
        return f"log entry #{self.index} (transaction #{self.transaction_id})"

    @property
    def entry_bytes(self) -> bytes:
        return self.entry.encode("ascii")


class Checkpoint(AppendOnlyModel):
    """A signed statement of the log's size and root hash at one moment."""

    tree_size = models.PositiveBigIntegerField(unique=True, verbose_name=_("tree size"))
    root_hash = models.CharField(
        max_length=64, help_text="Hex root hash of the first tree_size entries.", verbose_name=_("root hash")
    )
    # The C2SP signed note: body (origin, size, base64 root, timestamp) and signature line.
    note = models.TextField(verbose_name=_("note"))
    # Hex hashes of the complete subtrees covering the tree, largest first, so the next
    # sealer extends the tree without re-reading every leaf. Not signed: verify_ledger
    # recomputes everything from the entries.
    frontier = models.JSONField(default=list, verbose_name=_("frontier"))
    created_at = models.DateTimeField(verbose_name=_("created at"))

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        db_table = "ledger_checkpoint"
        ordering = ["tree_size"]
        constraints = [models.CheckConstraint(condition=models.Q(tree_size__gt=0), name="checkpoint_not_empty")]

    def __str__(self) -> str:
        return f"checkpoint at tree size {self.tree_size}"
