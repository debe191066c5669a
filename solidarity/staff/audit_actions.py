"""What an audit entry's action code means, in the reader's language.

The audit log stores codes ("disbursement.record"); the back office shows names ("Payout
recorded"). Each app names its own actions in an `audit_actions.py` module that calls
`name_actions`; the staff app imports those modules when it starts (as Django's admin finds
`admin.py`), so it names no app above it. A back-office change of a model
("campaigns.campaign.change") is named from the model ("Changed: campaign"). A code nobody
named is shown as it is; `tests/staff/test_audit_actions.py` fails when one is written.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

_NAMES: dict[str, Promise] = {}

MODEL_VERBS = {
    "add": _("Added: %(model)s"),
    "change": _("Changed: %(model)s"),
    "delete": _("Deleted: %(model)s"),
}


def name_actions(names: Mapping[str, Promise]) -> None:
    _NAMES.update(names)


def named_actions() -> dict[str, Promise]:
    return dict(_NAMES)


def find_action_names() -> None:
    autodiscover_modules("audit_actions")


def model_name(label: str) -> str | None:
    """ "campaigns.Campaign" (or "campaigns.campaign") as the model's name in the reader's
    language; None for a label that names no model."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return None


def action_name(code: str) -> str:
    if code in _NAMES:
        return str(_NAMES[code])
    label, _dot, verb = code.rpartition(".")
    name = model_name(label) if verb in MODEL_VERBS and label.count(".") == 1 else None
    return str(MODEL_VERBS[verb]) % {"model": name} if name is not None else code


name_actions(
    {
        "staff.enrolment_invited": _("Enrolment link sent"),
        "staff.enrolment_started": _("Enrolment started"),
        "staff.second_factor_enrolled": _("Authenticator app set up"),
        "staff.passkey_added": _("Passkey added"),
        "staff.second_factors_reset": _("Second factors reset (lost device)"),
        "staff.recovery_code_used": _("Recovery code used"),
        "staff.work_email": _("Work e-mail switched on or off"),
    }
)
