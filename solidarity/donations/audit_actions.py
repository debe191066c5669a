"""Names of this app's audit actions, in the reader's language (staff/audit_actions.py)."""

from django.utils.translation import gettext_lazy as _

from solidarity.staff.audit_actions import name_actions

name_actions(
    {
        "donation.record": _("Donation recorded"),
        "donation.reverse": _("Donation reversed"),
        "donation.undo_bank_match": _("Wrong bank match of a donation undone"),
        "donation.hide_public_entry": _("Donation hidden from the supporters list"),
        "donation.show_public_entry": _("Donation shown in the supporters list again"),
        "donation.refund_request": _("Refund requested"),
        "donation.refund_approve": _("Refund approved"),
        "donation.refund_reject": _("Refund rejected"),
        "donation.reversal_request": _("Reversal of a donation requested"),
        "donation.reversal_approve": _("Reversal of a donation approved"),
        "donation.reversal_reject": _("Reversal of a donation rejected"),
        "donation.refund_sent": _("Refund sent to the card processor"),
        "donation.refund_failed": _("Refund failed at the card processor"),
    }
)
