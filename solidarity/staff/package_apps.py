"""The packages' apps and models, named in the staff's language (issue 15.6).

django-otp, django-otp-webauthn and django-tasks-db name their apps, models and most fields in
English only, and those names show in the back office: in the sidebar, on the list and detail
pages, and in the permission lists of the user and group pages. These app configs replace the
packages' own in INSTALLED_APPS (same name and label, so the same tables and migrations) and
give each name a translation.

Only what never reaches a migration is set here: an app's `verbose_name`, a model's
`_meta.verbose_name` (migrations read `_meta.original_attrs`) and a field's `verbose_name`
(fields deconstruct their `_verbose_name`). Help texts, which migrations do compare, are
given in the back-office forms instead (staff/package_admin.py). `makemigrations --check`
in `make lint` proves that nothing here changes a migration.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig
from django_otp_webauthn.apps import OtpWebauthnConfig
from django_tasks_db.apps import TasksAppConfig

TOTP_FIELDS = {
    "user": _("staff member"),
    "name": _("name"),
    "confirmed": _("confirmed"),
    "created_at": _("created at"),
    "last_used_at": _("last used at"),
    "throttling_failure_timestamp": _("last failed attempt"),
    "throttling_failure_count": _("failed attempts in a row"),
    "key": _("secret key"),
    "step": _("time step"),
    "t0": _("start of counting (Unix time)"),
    "digits": _("digits"),
    "tolerance": _("tolerance"),
    "drift": _("clock drift"),
    "last_t": _("last time step used"),
}

# django-tasks-db marks its labels for translation; the catalogue is ours, so they are listed
# here too, for `make messages` to keep them.
TASK_RESULT_FIELDS = {
    "id": _("ID"),
    "status": _("status"),
    "enqueued_at": _("enqueued at"),
    "started_at": _("started at"),
    "finished_at": _("finished at"),
    "args_kwargs": _("args kwargs"),
    "priority": _("priority"),
    "task_path": _("task path"),
    "worker_ids": _("worker id"),
    "queue_name": _("queue name"),
    "backend_name": _("backend name"),
    "run_after": _("run after"),
    "return_value": _("return value"),
    "exception_class_path": _("exception class path"),
    "traceback": _("traceback"),
}
TASK_STATES = (
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
)


def relabel(label: str, model_name: str, names: tuple[Any, Any], fields: dict[str, Any] | None = None) -> None:
    """Give a package's model (and the fields its back-office page shows) translated names."""
    meta = apps.get_model(label, model_name)._meta
    meta.verbose_name, meta.verbose_name_plural = names
    for field_name, verbose_name in (fields or {}).items():
        meta.get_field(field_name).verbose_name = verbose_name


class TOTPConfig(TOTPDefaultConfig):
    verbose_name = _("Authenticator apps")

    def ready(self) -> None:
        super().ready()
        relabel(self.label, "TOTPDevice", (_("authenticator app"), _("authenticator apps")), TOTP_FIELDS)


class PasskeysConfig(OtpWebauthnConfig):
    verbose_name = _("Passkeys")

    def ready(self) -> None:
        super().ready()
        relabel(self.label, "WebAuthnCredential", (_("passkey"), _("passkeys")))
        relabel(self.label, "WebAuthnAttestation", (_("passkey attestation"), _("passkey attestations")))
        relabel(self.label, "WebAuthnUserHandle", (_("passkey user handle"), _("passkey user handles")))


class TaskResultsConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]

    def ready(self) -> None:
        super().ready()
        model = apps.get_model(self.label, "DBTaskResult")
        relabel(self.label, "DBTaskResult", (_("task run"), _("task runs")), TASK_RESULT_FIELDS)
        # Its own `__str__` is "DBTaskResult object (<uuid>)", shown as the page's heading.
        model.__str__ = _task_run_str  # type: ignore[assignment,method-assign]


def _task_run_str(task_run: Any) -> str:
    return f"{task_run.task_name} · {task_run.pk}"
