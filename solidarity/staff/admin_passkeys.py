"""Passkeys (WebAuthn, django-otp-webauthn) as a second factor, behind the same gate as the rest.

The package's own registration view refuses only a session that is unverified *and* already
has a device, so a password-only session of an account without one could register a passkey.
Its URLs are therefore never installed; these subclasses are, under the back office:

- registering a passkey needs a staff account's password login AND either the open enrolment
  invitation that this session opened on the enrol page (`bind_invitation`), or a second factor
  already passed in this session (adding a passkey beside another device). Anything else is
  refused with 403 before anything is written;
- a first passkey registered through an invitation uses the invitation up and returns the new
  recovery codes, once (`complete_passkey_enrolment`); the session is then verified;
- authenticating with a passkey is only a second step after the password (never a login on its
  own), and verifies the session with `django_otp.login` exactly as a code does.

The package's JavaScript is served from our static files; its configuration travels in a
`<script type="application/json">` element (`passkey_configuration`), so the strict CSP holds.
"""

from __future__ import annotations

from logging import getLogger
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp_webauthn.exceptions import OTPWebAuthnApiError
from django_otp_webauthn.settings import app_settings
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from solidarity.staff.enrolment import (
    InvitationRefused,
    add_passkey,
    complete_passkey_enrolment,
    open_invitation_for,
)
from solidarity.staff.models import EnrolmentInvitation
from solidarity.staff.two_factor import is_session_verified

SESSION_INVITATION = "staff_enrolment_invitation"
ADMIN = "admin"  # the back office's URL namespace


class PasskeyRegistrationRefused(OTPWebAuthnApiError):
    status_code = 403
    default_code = "enrolment_link_required"
    default_detail = _(
        "A passkey can be registered only through an enrolment link from an administrator, "
        "or after logging in with your second factor."
    )


class PasskeyLoginRefused(OTPWebAuthnApiError):
    status_code = 403
    default_code = "password_first"
    default_detail = _("Log in with your username and password first.")


def bind_invitation(request: HttpRequest, invitation: EnrolmentInvitation) -> None:
    """The enrol page, opened by the invited account after its password login, lets this session
    register a passkey for that invitation."""
    request.session[SESSION_INVITATION] = invitation.pk


def forget_invitation(request: HttpRequest) -> None:
    request.session.pop(SESSION_INVITATION, None)


def bound_invitation(request: HttpRequest) -> EnrolmentInvitation | None:
    """The open invitation this session opened for its own account, if any."""
    return open_invitation_for(invitation_id=request.session.get(SESSION_INVITATION), user=request.user)


def passkey_configuration(request: HttpRequest) -> dict[str, Any]:
    """What the package's scripts read from the `otp_webauthn_config` JSON element."""
    return {
        "autocompleteLoginFieldSelector": None,  # no passwordless login: no autofill
        "nextFieldSelector": "input[name='next']",
        "csrfToken": get_token(request),
        "beginAuthenticationUrl": reverse(f"{ADMIN}:passkey_authentication_begin"),
        "completeAuthenticationUrl": reverse(f"{ADMIN}:passkey_authentication_complete"),
        "beginRegistrationUrl": reverse(f"{ADMIN}:passkey_registration_begin"),
        "completeRegistrationUrl": reverse(f"{ADMIN}:passkey_registration_complete"),
    }


def _is_staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


class RegistrationGate:
    """Before the package's views: a staff login with an open invitation bound to this session,
    or a session that passed its second factor. (The package's own check still runs first and
    refuses an unverified session of an account that has a device.)"""

    request: HttpRequest

    def check_can_register(self) -> None:
        user = self.request.user
        if not _is_staff(user):
            raise PasskeyRegistrationRefused()
        if bound_invitation(self.request) is None and not is_session_verified(user):
            raise PasskeyRegistrationRefused()


class BeginPasskeyRegistration(RegistrationGate, BeginCredentialRegistrationView):
    pass


class CompletePasskeyRegistration(RegistrationGate, CompleteCredentialRegistrationView):
    def post(self, *args: Any, **kwargs: Any) -> JsonResponse:
        request = self.request
        user = self.get_user()
        state = self.get_state()  # popped: a registration's state is never used twice
        helper = self.get_helper()
        invitation = bound_invitation(request)

        def register() -> Any:
            logger = getLogger(app_settings.OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME)
            with rewrite_exceptions(logger=logger):
                return helper.register_complete(user=user, state=state, data=request.data)  # type: ignore[attr-defined]

        codes: list[str] = []
        try:
            if invitation is not None:
                device, codes = complete_passkey_enrolment(invitation=invitation, register=register)
            else:
                device = add_passkey(user=user, register=register)
        except InvitationRefused as refused:
            raise PasskeyRegistrationRefused(detail=refused.message) from refused
        if invitation is not None:
            forget_invitation(request)
        if not is_session_verified(user):
            otp_login(request, device)
        return JsonResponse({"id": device.pk, "recovery_codes": codes, "continue_url": reverse(f"{ADMIN}:index")})


class AuthenticationGate:
    """A passkey is a second step only: the session must hold a staff account's password login."""

    request: HttpRequest

    def check_can_authenticate(self) -> None:
        if not _is_staff(self.request.user):
            raise PasskeyLoginRefused()


class BeginPasskeyAuthentication(AuthenticationGate, BeginCredentialAuthenticationView):
    pass


class CompletePasskeyAuthentication(AuthenticationGate, CompleteCredentialAuthenticationView):
    """The package checks that the passkey is the logged-in user's and confirmed, updates its
    sign count, and calls `django_otp.login` — the session is verified as by a code."""

    def get_success_url(self) -> str:
        return self.get_redirect_url() or reverse(f"{ADMIN}:index")
