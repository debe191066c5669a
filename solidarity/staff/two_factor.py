"""Staff second factors at login: which devices a user has, and checking a code against them.

A password login never creates a device: devices are enrolled only through an invitation
(see `solidarity.staff.enrolment`). A code is either six digits from the authenticator app or
one of the user's single-use recovery codes; a passkey (WebAuthn) is checked by the views in
`solidarity.staff.admin_passkeys`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from solidarity.staff.models import RecoveryCodeDevice
from solidarity.staff.services import record_audit


def is_session_verified(user: Any) -> bool:
    """Whether this request's user passed a second factor in this session (django-otp)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


@dataclass(frozen=True)
class CodeCheck:
    """The outcome of checking one code. `wait_seconds` > 0: refused only because of throttling."""

    accepted: bool
    wait_seconds: int = 0
    device: Device | None = None

    @property
    def refusal(self) -> str:
        """What to tell the person whose code was refused."""
        if self.wait_seconds:
            return ngettext(
                "Too many attempts: wait %(seconds)d second and try again.",
                "Too many attempts: wait %(seconds)d seconds and try again.",
                self.wait_seconds,
            ) % {"seconds": self.wait_seconds}
        return gettext("That code is not valid. Check your device's clock and try again.")


def _throttle_wait(device: Any) -> int:
    """Seconds until the device accepts another try; 0 if it accepts one now."""
    allowed, info = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def check_code(device: Any, code: str) -> CodeCheck:
    """Check a code against one device, telling throttling apart from a wrong code."""
    wait = _throttle_wait(device)
    if wait:
        return CodeCheck(accepted=False, wait_seconds=wait, device=device)
    if device.verify_token(code):
        return CodeCheck(accepted=True, device=device)
    return CodeCheck(accepted=False, device=device)


def confirmed_authenticators(user: Any) -> list[TOTPDevice]:
    """The user's confirmed TOTP devices."""
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id"))


def confirmed_passkeys(user: Any) -> list[WebAuthnCredential]:
    """The user's confirmed passkeys."""
    return list(WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("id"))


def recovery_codes_left(user: Any) -> int:
    """How many unused recovery codes the user still has."""
    device = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
    return device.codes.filter(used_at=None).count() if device else 0


def has_second_factor(user: Any) -> bool:
    """Whether the user can pass the second step: a confirmed authenticator or passkey, or a
    recovery code left."""
    return bool(confirmed_authenticators(user)) or bool(confirmed_passkeys(user)) or recovery_codes_left(user) > 0


def looks_like_recovery_code(typed: str) -> bool:
    """Authenticator codes are digits only; recovery codes contain letters."""
    return any(ch.isalpha() for ch in typed)


def verify_second_factor(user: Any, typed: str) -> CodeCheck:
    """Check a code typed at the second step: a recovery code (used up and audited) or a TOTP code."""
    typed = typed.strip()
    if looks_like_recovery_code(typed):
        return use_recovery_code(user, typed)
    refused = CodeCheck(accepted=False)
    for device in confirmed_authenticators(user):
        check = check_code(device, typed.replace(" ", ""))
        if check.accepted:
            return check
        if check.wait_seconds:
            refused = check
    return refused


def use_recovery_code(user: Any, typed: str) -> CodeCheck:
    """Spend one of the user's recovery codes; each works once, and using one is audited."""
    device = RecoveryCodeDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return CodeCheck(accepted=False)
    with transaction.atomic():  # the code is spent and audited together, or neither
        check = check_code(device, typed)
        if check.accepted:
            record_audit(
                actor=user, action="staff.recovery_code_used", target=user, codes_left=recovery_codes_left(user)
            )
    return check
