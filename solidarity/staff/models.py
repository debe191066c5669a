"""The audit log of staff actions (append-only, written in the action's own transaction), and
staff second factors: enrolment invitations and hashed recovery codes."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from solidarity.core.append_only import AppendOnlyQuerySet
from solidarity.staff.audit_actions import action_name


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True, verbose_name=_("at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(max_length=64, verbose_name=_("action"))
    target_type = models.CharField(max_length=64, blank=True, verbose_name=_("target type"))
    target_id = models.CharField(max_length=64, blank=True, verbose_name=_("target id"))
    summary = models.JSONField(default=dict, blank=True, verbose_name=_("summary"))

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        ordering = ["-at", "-id"]
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or '—'} · {action_name(self.action)}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        from solidarity.core.errors import ImmutableRecord

        if not self._state.adding:
            raise ImmutableRecord("Audit entries cannot be changed.")
        super().save(*args, **kwargs)


def secret_hash(secret: str) -> str:
    """The SHA-256 of a high-entropy secret (enrolment token, recovery code), as stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def normalised_recovery_code(typed: str) -> str:
    """A recovery code as typed (any case, spaces or dashes) in the form that was hashed."""
    return "".join(ch for ch in typed.lower() if ch.isalnum())


class EnrolmentInvitation(models.Model):
    """A one-time, expiring link with which a staff member enrols a second factor.

    Only a SHA-256 hash of the token is stored: the token has 256 bits of entropy, so a
    fast hash is enough, and a copy of the database opens no enrolment.
    """

    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created at"))
    expires_at = models.DateTimeField(verbose_name=_("expires at"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))
    withdrawn_at = models.DateTimeField(null=True, blank=True, verbose_name=_("withdrawn at"))

    class Meta:
        verbose_name = _("enrolment invitation")
        verbose_name_plural = _("enrolment invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"enrolment invitation #{self.pk} for {self.user}"


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A staff member's recovery codes, as a django-otp device so that a code verifies a session."""

    class Meta:
        verbose_name = _("recovery code set")
        verbose_name_plural = _("recovery code sets")

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))

    def verify_token(self, token: str) -> bool:
        """Accept an unused code once; a wrong one counts towards the throttle."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        with transaction.atomic():
            code = (
                self.codes.select_for_update()
                .filter(code_hash=secret_hash(normalised_recovery_code(token)), used_at=None)
                .first()
            )
            if code is None:
                self.throttle_increment()
                return False
            code.used_at = timezone.now()
            code.save(update_fields=["used_at"])
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
        return True


class RecoveryCode(models.Model):
    """One single-use recovery code, stored only as a SHA-256 hash (the code has 80 random bits)."""

    device = models.ForeignKey(
        RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes", verbose_name=_("device")
    )
    code_hash = models.CharField(max_length=64, db_index=True, verbose_name=_("code hash"))
    used_at = models.DateTimeField(null=True, blank=True, verbose_name=_("used at"))

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")

    def __str__(self) -> str:
        return f"recovery code #{self.pk}"


class WorkEmail(models.Model):
    """A staff member's choice to get the short "work is waiting" e-mail (notify_waiting_work)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="work_email")
    wanted = models.BooleanField(default=False)
    last_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("choice of the work e-mail")
        verbose_name_plural = _("choices of the work e-mail")

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.wanted else 'off'}"
