"""The back office: Django admin behind a password AND a second factor (TOTP).

Every admin page, and every staff action behind it, requires `request.user.is_verified()`
(django-otp). A staff member without a confirmed device is taken to enrol one on first
login; there is no way around the second step.
"""

from __future__ import annotations

import base64
from typing import Any

import segno
from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, URLResolver, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login

from solidarity.staff.login_guard import is_locked_out
from solidarity.staff.two_factor import confirm_device, device_to_verify


def _verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


class ThrottledAuthenticationForm(AdminAuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = self.data.get("username", "")
        if username and is_locked_out(str(username)):
            raise forms.ValidationError(
                "Too many failed attempts for this account. Wait 15 minutes and try again.", code="locked"
            )
        return super().clean()


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class StaffAdminSite(admin.AdminSite):
    site_header = "Solidarity back office"
    site_title = "Solidarity staff"
    index_title = "Back office"
    login_form = ThrottledAuthenticationForm

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_staff and _verified(user))

    def get_urls(self) -> list[URLResolver | URLPattern]:
        return [path("two-factor/", self.two_factor, name="two_factor"), *super().get_urls()]

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
        return f"{url}?next={target}" if target else url

    def two_factor(self, request: HttpRequest) -> HttpResponse:
        """Second step: enter a TOTP code, or enrol an authenticator on first login."""
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return HttpResponseRedirect(reverse(f"{self.name}:login"))
        device = device_to_verify(user)
        enrolling = not device.confirmed
        form = TokenForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            allowed, _ = device.verify_is_allowed()
            if allowed and device.verify_token(form.cleaned_data["token"].strip()):
                confirm_device(device)
                otp_login(request, device)
                target = request.GET.get("next", "")
                if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                    target = reverse(f"{self.name}:index")
                return HttpResponseRedirect(target)
            form.add_error("token", "That code is not valid. Check your device's clock and try again.")
        context = {
            **self.each_context(request),
            "title": "Set up your second factor" if enrolling else "Second factor",
            "form": form,
            "enrol": enrolling,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4) if enrolling else "",
            "secret": base64.b32encode(device.bin_key).decode() if enrolling else "",
        }
        response = TemplateResponse(request, "admin/two_factor.html", context)
        response["Cache-Control"] = "no-store"
        return response
