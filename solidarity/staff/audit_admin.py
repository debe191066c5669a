"""Every change staff make in the back office goes to the audit log, with before and after.

`AuditedAdminMixin` goes first in a ModelAdmin's bases: additions, changes (of the page's own
form and of its inlines) and deletions each append an `AuditEntry` whose summary holds, per
changed field, the value before and after. Secrets never enter the log: a field whose name
says it is a password, a key, a token or sealed/private data is logged as changed, without
its values.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest

from solidarity.staff.services import record_audit

# Fields logged only as "changed": passwords, TOTP keys, tokens, encrypted contents.
SECRET_MARKERS = ("password", "key", "token", "secret", "sealed", "private_contact", "payout_details", "hash")


def is_secret(field_name: str) -> bool:
    return any(marker in field_name for marker in SECRET_MARKERS)


def plain(value: Any) -> Any:
    """A value as JSON the log can keep: a row as its id, several rows as a sorted list of ids."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(plain(item)) for item in value)
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def form_changes(form: forms.BaseForm) -> dict[str, Any]:
    """{field: {"before": …, "after": …}} for each field the form changed (secrets: {"changed": True})."""
    changes: dict[str, Any] = {}
    for name in form.changed_data:
        if is_secret(name):
            changes[name] = {"changed": True}
        else:
            changes[name] = {"before": plain(form.initial.get(name)), "after": plain(form.cleaned_data.get(name))}
    return changes


def audit_change(request: HttpRequest, obj: models.Model, verb: str, changes: dict[str, Any] | None = None) -> None:
    record_audit(
        actor=request.user,
        action=f"{obj._meta.label_lower}.{verb}",
        target=obj,
        changes=changes or {},
        shown_as=str(obj)[:200],
    )


class AuditedAdminMixin:
    """Appends an audit entry for each addition, change and deletion made through this admin."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        changes = form_changes(form)
        super().save_model(request, obj, form, change)  # type: ignore[misc]
        if changes or not change:
            audit_change(request, obj, "change" if change else "add", changes)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_change(request, obj, "delete")
        super().delete_model(request, obj)  # type: ignore[misc]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Inline rows (needs, updates, timeline events): each added, changed or deleted row."""
        edited = [
            (inline_form, form_changes(inline_form))
            for inline_form in formset.forms
            if inline_form.has_changed() and inline_form not in formset.deleted_forms
        ]
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                audit_change(request, deleted.instance, "delete")
        super().save_formset(request, form, formset, change)  # type: ignore[misc]
        for inline_form, changes in edited:
            if inline_form.instance.pk:
                audit_change(request, inline_form.instance, "change" if inline_form.initial else "add", changes)
