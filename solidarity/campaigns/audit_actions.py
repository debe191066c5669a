"""Names of this app's audit actions, in the reader's language (staff/audit_actions.py)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from solidarity.campaigns.models import CampaignStatus
from solidarity.staff.audit_actions import name_actions

name_actions(
    {
        "campaign.add_need": _("Need added"),
        "campaign.propose_change": _("Change to a public campaign proposed"),
        "campaign.accept_change": _("Proposed change accepted"),
        "campaign.reject_change": _("Proposed change rejected"),
        "beneficiary.consent": _("Beneficiary created with the family's consent"),
        "beneficiary.note": _("Case note added"),
        **{
            f"campaign.{status.value}": format_lazy(_("Campaign status changed to: {status}"), status=status.label)
            for status in CampaignStatus
        },
    }
)
