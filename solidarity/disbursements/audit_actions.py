"""Names of this app's audit actions, in the reader's language (staff/audit_actions.py)."""

from django.utils.translation import gettext_lazy as _

from solidarity.staff.audit_actions import name_actions

name_actions(
    {
        "disbursement.record": _("Payout recorded"),
        "disbursement.approve": _("Payout approved"),
        "disbursement.reverse": _("Payout reversed (the money came back)"),
        "disbursement.void_request": _("Void of a payout requested"),
        "disbursement.void": _("Payout voided"),
        "disbursement.void_reject": _("Void of a payout rejected"),
        "disbursement.download_proof": _("Proof of a payout downloaded"),
        "disbursement.translate_description": _("Payout's public description translated"),
        "surplus.request": _("Surplus move requested"),
        "surplus.approve": _("Surplus move approved"),
        "surplus.reject": _("Surplus move rejected"),
    }
)
