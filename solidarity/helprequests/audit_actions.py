"""Names of this app's audit actions, in the reader's language (staff/audit_actions.py)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from solidarity.helprequests.models import HelpRequestState
from solidarity.staff.audit_actions import name_actions

name_actions(
    {
        "helprequest.view_content": _("Help request read"),
        "helprequest.download_attachment": _("Help request's attachment downloaded"),
        "helprequest.note": _("Case note added to a help request"),
        "helprequest.purge": _("Help request purged"),
        **{
            f"helprequest.{state.value}": format_lazy(_("Help request status changed to: {state}"), state=state.label)
            for state in HelpRequestState
        },
    }
)
