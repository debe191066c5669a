"""The packages' back-office pages, in the staff's language (issue 15.6).

django-otp's authenticator-app page and django-tasks-db's task-run page come with English
section titles, help texts and column names. These subclasses replace the packages' admin
classes with the same pages in the reader's language; the models' and fields' names are set
in staff/package_apps.py.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

# The package's fieldset titles → ours.
TOTP_SECTIONS = {
    "Identity": _("Device"),
    "Timestamps": _("Dates"),
    "Configuration": _("Configuration"),
    "State": _("State"),
    "Throttling": _("Failed attempts"),
}

TOTP_HELP = {
    "user": _("The staff member whose device this is."),
    "name": _("A name that tells this device from the others."),
    "confirmed": _("Whether the device is set up and may be used to log in."),
    "created_at": _("When the device was set up."),
    "last_used_at": _("When the device was last used to log in."),
    "key": _("The secret the app makes its codes from (hexadecimal, up to 40 bytes)."),
    "step": _("How many seconds each code is valid."),
    "t0": _("The moment (Unix time) from which the time steps are counted."),
    "digits": _("How many digits each code has."),
    "tolerance": _("How many time steps before or after now a code is still accepted."),
    "drift": _("How many time steps the device's clock is known to be off from the server's."),
    "throttling_failure_timestamp": _("When a wrong code was last entered; cleared by a right one."),
    "throttling_failure_count": _("Wrong codes entered one after another; each makes the next try wait longer."),
}


class TOTPDeviceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = TOTPDevice
        fields = [name for name in TOTP_HELP if name not in ("created_at", "last_used_at")]  # those two: read-only
        help_texts = TOTP_HELP


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class StaffTOTPDeviceAdmin(TOTPDeviceAdmin):
    form = TOTPDeviceForm
    search_help_text = _("Search by the user's username or e-mail address")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return [(TOTP_SECTIONS.get(title, title), options) for title, options in super().get_fieldsets(request, obj)]


admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class StaffTaskResultAdmin(DBTaskResultAdmin):
    @admin.display(description=_("task"))
    def task_name(self, obj: DBTaskResult) -> str:  # type: ignore[type-arg]
        return str(obj.task_name)

    @admin.display(description=_("traceback"))
    def formatted_traceback(self, obj: DBTaskResult) -> str:  # type: ignore[type-arg]
        return super().formatted_traceback(obj)

    @admin.display(description=_("run after"))
    def display_run_after(self, obj: DBTaskResult) -> datetime | str:  # type: ignore[type-arg]
        return super().display_run_after(obj)
