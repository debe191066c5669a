"""The back office: Django admin behind a password AND a second factor (TOTP, a passkey or a
recovery code).

Every admin page, and every staff action behind it, requires `request.user.is_verified()`
(django-otp). A password alone never enrols a device: a staff member without one enrols
through a one-time invitation link an admin created (`/staff/enrol/<token>/`), after their
password login; there is no way around the second step. Passkeys: `admin_passkeys`.
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import Resolver404, URLPattern, URLResolver, path, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.i18n import JavaScriptCatalog
from django_otp import login as otp_login

from solidarity.staff.admin_passkeys import (
    BeginPasskeyAuthentication,
    BeginPasskeyRegistration,
    CompletePasskeyAuthentication,
    CompletePasskeyRegistration,
    bind_invitation,
    forget_invitation,
    passkey_configuration,
)
from solidarity.staff.enrolment import (
    EnrolmentCodeRefused,
    InvitationRefused,
    complete_enrolment,
    open_invitation,
    pending_authenticator,
)
from solidarity.staff.login_guard import is_locked_out
from solidarity.staff.models import WorkEmail
from solidarity.staff.page_access import guard_page
from solidarity.staff.two_factor import (
    confirmed_authenticators,
    confirmed_passkeys,
    has_second_factor,
    is_session_verified,
    verify_second_factor,
)
from solidarity.staff.waiting_work import set_work_email, waiting_work_for

_verified = is_session_verified


class ThrottledAuthenticationForm(AdminAuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        if username and is_locked_out(str(username)):
            raise forms.ValidationError(
                _("Too many failed attempts for this account. Wait 15 minutes and try again."), code="locked"
            )
        return super().clean()


class TokenForm(forms.Form):
    """The second step: six digits from the app, or a recovery code (letters, so no numeric keypad)."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        help_text=_("Lost your device? Enter one of your recovery codes instead."),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class EnrolmentCodeForm(forms.Form):
    """The first code from a newly scanned authenticator."""

    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class StaffAdminSite(admin.AdminSite):
    site_header = _("Solidarity back office")
    site_title = _("Solidarity staff")
    index_title = _("Back office")
    login_form = ThrottledAuthenticationForm
    index_template = "admin/staff_index.html"  # Django's index with the work that waits above it
    # At 1280 px the model sidebar left the lists 631 px beside their filters, and wide lists
    # (donations: 1 320 px) scrolled inside their box. The first page and the breadcrumbs lead
    # to every model; lists wrap their cells (css/backoffice.css) and fit.
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and _verified(user))

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Every back-office page: password, second factor, then the role table (page_access)."""
        return super().admin_view(guard_page(view), cacheable)

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [
            path("two-factor/", self.two_factor, name="two_factor"),
            path("enrol/<str:token>/", self.enrol, name="enrol"),
            path("work-email/", self.admin_view(self.work_email), name="work_email"),
            # The passkey ceremonies (django-otp-webauthn, behind our gates) and their strings.
            path(
                "passkeys/registration/begin/",
                BeginPasskeyRegistration.as_view(),
                name="passkey_registration_begin",
            ),
            path(
                "passkeys/registration/complete/",
                CompletePasskeyRegistration.as_view(),
                name="passkey_registration_complete",
            ),
            path(
                "passkeys/authentication/begin/",
                BeginPasskeyAuthentication.as_view(),
                name="passkey_authentication_begin",
            ),
            path(
                "passkeys/authentication/complete/",
                CompletePasskeyAuthentication.as_view(),
                name="passkey_authentication_complete",
            ),
            path(
                "passkeys/jsi18n/",
                JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
                name="passkey_jsi18n",
            ),
            *super().get_urls(),
        ]

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        """The first page: what waits that this person's role may open, then the apps."""
        choice = WorkEmail.objects.filter(user_id=request.user.pk or 0).first()
        context = {
            "waiting_work": waiting_work_for(request.user),
            "work_email_wanted": bool(choice and choice.wanted),
            **(extra_context or {}),
        }
        return super().index(request, context)

    def work_email(self, request: HttpRequest) -> HttpResponse:
        """Switch the "work is waiting" e-mail on or off (POST); it goes to the account's address."""
        if request.method != "POST":
            return HttpResponseRedirect(reverse(f"{self.name}:index"))
        wanted = request.POST.get("wanted") == "1"
        if wanted and not getattr(request.user, "email", ""):
            messages.error(request, _("Your account has no e-mail address; ask an administrator to add one."))
        else:
            set_work_email(user=request.user, wanted=wanted)
            messages.success(
                request,
                _("You will get an e-mail when work is waiting.") if wanted else _("You will get no such e-mails."),
            )
        return HttpResponseRedirect(reverse(f"{self.name}:index"))

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_staff and not _verified(user):
            return HttpResponseRedirect(self._two_factor_url(request))
        response = super().login(request, extra_context)
        # A fresh password login is never verified yet (django-otp marks it on the user later).
        if request.method == "POST" and request.user.is_authenticated and not _verified(request.user):
            return HttpResponseRedirect(self._two_factor_url(request))
        return response

    def _two_factor_url(self, request: HttpRequest) -> str:
        target = request.GET.get("next") or request.POST.get("next") or ""
        url = reverse(f"{self.name}:two_factor")
        return f"{url}?{urlencode({'next': target})}" if target else url

    def _safe_next(self, request: HttpRequest) -> str:
        target = request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            return target
        return reverse(f"{self.name}:index")

    def _is_enrolment_path(self, target: str) -> bool:
        try:
            return resolve(target.split("?", 1)[0]).url_name == "enrol"
        except Resolver404:
            return False

    def _page(
        self, request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
    ) -> TemplateResponse:
        response = TemplateResponse(request, template, {**self.each_context(request), **context}, status=status)
        response["Cache-Control"] = "no-store"
        return response

    def _link_refused(self, request: HttpRequest, message: str, status: int) -> TemplateResponse:
        """An enrolment link that cannot be used: say why; nothing was written."""
        context = {"title": _("This enrolment link cannot be used"), "message": message}
        return self._page(request, "admin/enrolment_refused.html", context, status=status)

    def two_factor(self, request: HttpRequest) -> HttpResponse:
        """Second step: a code from the authenticator app or a recovery code. Never enrols a device."""
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return HttpResponseRedirect(reverse(f"{self.name}:login"))
        if not has_second_factor(user):
            target = request.GET.get("next", "")
            if self._is_enrolment_path(target) and url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}
            ):
                return HttpResponseRedirect(target)
            return self._page(
                request,
                "admin/enrolment_refused.html",
                {
                    "title": _("Ask an administrator for an enrolment link"),
                    "message": _(
                        "Your account has no second factor yet. An administrator sends you a one-time "
                        "enrolment link; open it and log in again to set up your authenticator app."
                    ),
                },
                status=403,
            )
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            check = verify_second_factor(user, form.cleaned_data["token"])
            if check.accepted and check.device is not None:
                otp_login(request, check.device)
                return HttpResponseRedirect(self._safe_next(request))
            form.add_error("token", check.refusal)
        passkeys = bool(confirmed_passkeys(user))
        context = {
            "title": _("Second factor"),
            "form": form,
            "has_authenticator": bool(confirmed_authenticators(user)),
            "passkey_config": passkey_configuration(request) if passkeys else None,
        }
        return self._page(request, "admin/two_factor.html", context)

    def enrol(self, request: HttpRequest, token: str) -> HttpResponse:
        """Enrol an authenticator through an invitation: needs the link AND the account's password login."""
        try:
            invitation = open_invitation(token)
        except InvitationRefused as refused:
            return self._link_refused(request, refused.message, status=410)
        user = request.user
        if not user.is_authenticated:
            return HttpResponseRedirect(f"{reverse(f'{self.name}:login')}?{urlencode({'next': request.path})}")
        if user.pk != invitation.user_id:
            message = str(_("This link was made for another account. Log out, then log in as that account."))
            return self._link_refused(request, message, status=403)
        if has_second_factor(user) and not _verified(user):
            # Adding an authenticator to an account that has one needs that one first.
            url = reverse(f"{self.name}:two_factor")
            return HttpResponseRedirect(f"{url}?{urlencode({'next': request.path})}")
        device = pending_authenticator(invitation)
        bind_invitation(request, invitation)  # lets this session register a passkey instead
        form = EnrolmentCodeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                codes = complete_enrolment(invitation=invitation, device=device, code=form.cleaned_data["token"])
            except EnrolmentCodeRefused as refused:
                form.add_error("token", refused.message)
            except InvitationRefused as refused:
                return self._link_refused(request, refused.message, status=410)
            else:
                forget_invitation(request)
                otp_login(request, device)
                return self._page(
                    request,
                    "admin/recovery_codes.html",
                    {"title": _("Your recovery codes"), "codes": codes},
                )
        return self._page(
            request,
            "admin/enrol.html",
            {
                "title": _("Set up your second factor"),
                "form": form,
                "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4),
                "secret": base64.b32encode(device.bin_key).decode(),
                "passkey_config": passkey_configuration(request),
            },
        )


# Django's own titles put the model's name into a sentence ("Добавить %s"), which in Russian
# and Belarusian needs the accusative: "Добавить выплата" is wrong. Our catalogue gives them
# a form in which the name stays as it is ("Добавить: выплата"); listed here so that
# `make messages` keeps them.
DJANGO_TITLES = (
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Select %s"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add another %(verbose_name)s"),
)
