"""Names of this app's audit actions, in the reader's language (staff/audit_actions.py)."""

from django.utils.translation import gettext_lazy as _

from solidarity.staff.audit_actions import name_actions

name_actions({"books.export": _("Books exported for the auditor")})
