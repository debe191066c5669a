"""Enrolling a staff member's second factor: only through a one-time, expiring invitation.

An admin (or `manage.py invite_staff`) creates an invitation; its link works once, before it
expires, and only for the account it names after that account's password login. Enrolment
confirms an authenticator with a first code and issues ten recovery codes, shown once and
stored hashed. Instead of an authenticator the invited member may register a passkey
(`complete_passkey_enrolment`); a member who has passed their second factor may add more
passkeys (`add_passkey`). An admin resetting a lost device removes every device and sends a
new link.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from solidarity.core.errors import DomainError
from solidarity.staff.models import (
    EnrolmentInvitation,
    RecoveryCode,
    RecoveryCodeDevice,
    normalised_recovery_code,
    secret_hash,
)
from solidarity.staff.roles import Role, require_role
from solidarity.staff.services import record_audit
from solidarity.staff.two_factor import CodeCheck, check_code

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # 32 symbols, no 0/o or 1/l: 5 bits each


class InvitationRefused(DomainError):
    code = "invitation_refused"


class EnrolmentCodeRefused(DomainError):
    code = "code_refused"

    def __init__(self, check: CodeCheck) -> None:
        super().__init__(check.refusal)
        self.check = check


def enrolment_path(token: str) -> str:
    """The site-relative address of an invitation's enrolment page."""
    return reverse("admin:enrol", args=[token])


def invite_to_enrol(*, user: Any, created_by: Any) -> str:
    """Create a one-time enrolment invitation for a staff account and return its link's path.

    Earlier open invitations for the same account are withdrawn. `created_by=None` is the
    `invite_staff` command run by whoever holds the server.
    """
    require_role(created_by, Role.ADMIN)
    if not (user.is_active and user.is_staff):
        raise InvitationRefused(gettext("Only an active staff account can be invited to enrol."))
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        EnrolmentInvitation.objects.filter(user=user, used_at=None, withdrawn_at=None).update(withdrawn_at=now)
        invitation = EnrolmentInvitation.objects.create(
            token_hash=secret_hash(token),
            user=user,
            created_by=created_by,
            created_at=now,
            expires_at=now + timedelta(hours=settings.SOLIDARITY_ENROLMENT_LINK_HOURS),
        )
        record_audit(
            actor=created_by,
            action="staff.enrolment_invited",
            target=user,
            invitation=invitation.pk,
            expires_at=invitation.expires_at.isoformat(),
        )
    return enrolment_path(token)


def open_invitation(token: str) -> EnrolmentInvitation:
    """The invitation a token opens, or InvitationRefused saying why (unknown, used, withdrawn, expired)."""
    invitation = EnrolmentInvitation.objects.select_related("user").filter(token_hash=secret_hash(token)).first()
    if invitation is None:
        raise InvitationRefused(gettext("This enrolment link is not valid. Ask an administrator for a new one."))
    _refuse_unless_open(invitation)
    return invitation


def open_invitation_for(*, invitation_id: Any, user: Any) -> EnrolmentInvitation | None:
    """The invitation with this id if it is still open and names this user, else None (the
    enrolment page binds the invitation's id to the session that opened it)."""
    if not isinstance(invitation_id, int) or not getattr(user, "pk", None):
        return None
    invitation = EnrolmentInvitation.objects.filter(pk=invitation_id, user=user).first()
    if invitation is None:
        return None
    try:
        _refuse_unless_open(invitation)
    except InvitationRefused:
        return None
    return invitation


def _refuse_unless_open(invitation: EnrolmentInvitation) -> None:
    if invitation.used_at is not None:
        raise InvitationRefused(
            gettext("This enrolment link has already been used. Ask an administrator for a new one.")
        )
    if invitation.withdrawn_at is not None:
        raise InvitationRefused(
            gettext("This enrolment link was replaced by a newer one. Use the newest link you received.")
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationRefused(gettext("This enrolment link has expired. Ask an administrator for a new one."))


def pending_authenticator(invitation: EnrolmentInvitation) -> TOTPDevice:
    """The unconfirmed authenticator the invited user is enrolling (created on first use)."""
    with transaction.atomic():
        device = TOTPDevice.objects.filter(user=invitation.user, confirmed=False).order_by("id").first()
        if device is None:
            device = TOTPDevice.objects.create(user=invitation.user, name="authenticator", confirmed=False)
            record_audit(
                actor=invitation.user,
                action="staff.enrolment_started",
                target=invitation.user,
                invitation=invitation.pk,
            )
    return device


def complete_enrolment(*, invitation: EnrolmentInvitation, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator with its first code, use up the invitation, and return the new
    recovery codes (the only time they exist in plaintext)."""
    if device.user_id != invitation.user_id or device.confirmed:
        raise InvitationRefused(gettext("This authenticator does not belong to this enrolment."))
    # Checked outside the transaction below, so a wrong code's throttle count is kept.
    check = check_code(device, code.strip().replace(" ", ""))
    if not check.accepted:
        raise EnrolmentCodeRefused(check)
    with transaction.atomic():
        locked = _lock_open(invitation)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _finish_enrolment(locked, device, kind="authenticator")
    invitation.used_at = locked.used_at
    return codes


def complete_passkey_enrolment(
    *, invitation: EnrolmentInvitation, register: Callable[[], Device]
) -> tuple[Device, list[str]]:
    """Enrol a passkey through an invitation: `register` verifies the browser's answer and stores
    the credential (django-otp-webauthn); in the same transaction the invitation is used up, an
    unfinished authenticator set-up is dropped and new recovery codes are made. Returns the
    passkey and the recovery codes (the only time they exist in plaintext)."""
    with transaction.atomic():
        locked = _lock_open(invitation)
        device = register()
        if device.user_id != invitation.user_id:
            raise InvitationRefused(gettext("This passkey does not belong to this enrolment."))
        codes = _finish_enrolment(locked, device, kind="passkey")
    invitation.used_at = locked.used_at
    return device, codes


def _lock_open(invitation: EnrolmentInvitation) -> EnrolmentInvitation:
    """Inside a transaction: the invitation, locked, or InvitationRefused if it is no longer open."""
    locked = EnrolmentInvitation.objects.select_for_update().get(pk=invitation.pk)
    _refuse_unless_open(locked)
    return locked


def _finish_enrolment(locked: EnrolmentInvitation, device: Device, *, kind: str) -> list[str]:
    """Inside the enrolment's transaction, with its confirmed device: use the invitation up,
    drop unfinished authenticator set-ups, audit, and return new recovery codes."""
    locked.used_at = timezone.now()
    locked.save(update_fields=["used_at"])
    TOTPDevice.objects.filter(user=locked.user, confirmed=False).delete()
    codes = _replace_recovery_codes(locked.user)
    record_audit(
        actor=locked.user,
        action="staff.second_factor_enrolled",
        target=locked.user,
        invitation=locked.pk,
        device=device.persistent_id,
        kind=kind,
    )
    return codes


def add_passkey(*, user: Any, register: Callable[[], Device]) -> Device:
    """Add a passkey to an account whose session has passed its second factor (the caller
    checks that); `register` verifies and stores it. Audited; the recovery codes stay."""
    with transaction.atomic():
        device = register()
        if device.user_id != user.pk:
            raise InvitationRefused(gettext("This passkey does not belong to this account."))
        record_audit(actor=user, action="staff.passkey_added", target=user, device=device.persistent_id)
    return device


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))  # 80 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _replace_recovery_codes(user: Any) -> list[str]:
    RecoveryCodeDevice.objects.filter(user=user).delete()
    device = RecoveryCodeDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=secret_hash(normalised_recovery_code(code))) for code in codes
    )
    return codes


def reset_second_factors(*, user: Any, reset_by: Any) -> str:
    """The lost-device procedure: remove all of a user's devices and recovery codes, withdraw
    their open invitations, and return the path of a new enrolment link."""
    require_role(reset_by, Role.ADMIN)
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).count()
        passkeys = WebAuthnCredential.objects.filter(user=user).count()
        TOTPDevice.objects.filter(user=user).delete()
        WebAuthnCredential.objects.filter(user=user).delete()
        RecoveryCodeDevice.objects.filter(user=user).delete()
        record_audit(
            actor=reset_by,
            action="staff.second_factors_reset",
            target=user,
            authenticators_removed=removed,
            passkeys_removed=passkeys,
        )
        return invite_to_enrol(user=user, created_by=reset_by)
