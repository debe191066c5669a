"""Staff API tokens and stored responses of idempotent requests.

A token's secret is never stored: only its SHA-256 (the secret has 256 random bits, so a
fast hash suffices, as for receipt codes) and a short prefix to recognise it in lists.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A per-user credential for the staff API, limited in time and to some of the user's roles."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(
        max_length=80, help_text="What the token is for, e.g. “statement import script”.", verbose_name=_("name")
    )
    prefix = models.CharField(
        max_length=16, db_index=True, help_text="The start of the token, to recognise it.", verbose_name=_("prefix")
    )
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    scopes = models.JSONField(
        default=list, help_text="Roles this token may act in (a subset of the user's).", verbose_name=_("scopes")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked at"))
    # The day only: when a token was last used matters, from where or at what minute does not.
    last_used_at = models.DateField(null=True, blank=True, verbose_name=_("last used at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed to repeats for 24 h.

    `scope` is "user:<id>" for a token's user or "anonymous": anonymous keys are never tied
    to a client address, not even a hashed one. The key itself is not stored (only a hash),
    and the response body is encrypted under a key derived from it, so stored responses
    (which may hold a receipt code shown once) are unreadable without the client's key.
    (Not "sealed": that name is kept for fields under the site keys that `rotate_keys` walks;
    these die within 24 h and no site key can open them.)
    A row without `completed_at` is a placeholder for a request still running.
    """

    scope = models.CharField(max_length=40, verbose_name=_("scope"))
    key_hash = models.CharField(max_length=64, verbose_name=_("key hash"))
    request_hash = models.CharField(max_length=64, verbose_name=_("request hash"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("created at"))
    completed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("completed at"))
    status_code = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name=_("status code"))
    content_type = models.CharField(max_length=100, blank=True, verbose_name=_("content type"))
    encrypted_body = models.TextField(blank=True, verbose_name=_("encrypted body"))

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint(fields=["scope", "key_hash"], name="idempotency_key_once_per_scope")]

    def __str__(self) -> str:
        state = "done" if self.completed_at else "in progress"
        return f"{self.scope} {self.key_hash[:8]}… ({state})"
