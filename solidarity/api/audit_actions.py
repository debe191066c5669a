"""Names of this app's audit actions, in the reader's language (staff/audit_actions.py)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from solidarity.staff.audit_actions import name_actions

# What each staff API operation (`api.<operation>`, api/staff_access.py) did.
OPERATIONS = {
    "record_staff_donation": _("Donation recorded"),
    "record_disbursement": _("Payout recorded"),
    "approve_disbursement": _("Payout approved"),
    "request_void": _("Void of a payout requested"),
    "approve_void": _("Payout voided"),
    "request_refund": _("Refund requested"),
    "approve_refund": _("Refund approved"),
    "reject_refund": _("Refund rejected"),
    "import_statement": _("Bank statement imported"),
    "get_statement": _("Bank statement read"),
    "record_bank_line": _("Bank line recorded"),
    "list_review_queue": _("Lines waiting for review listed"),
    "bank_line_candidates": _("Suggested donations for a bank line listed"),
    "confirm_bank_line_candidate": _("Bank line matched to a suggested donation"),
    "match_bank_line": _("Bank line matched to a donation by its reference"),
    "undo_bank_line_match": _("Wrong match of a bank line undone"),
    "ignore_bank_line": _("Bank line set aside"),
    "dismiss_bank_lines": _("Bank lines dismissed"),
}

name_actions(
    {
        "api.denied": _("API call refused"),
        "api.token_create": _("API token created"),
        "api.token_revoke": _("API token revoked"),
        **{
            f"api.{operation}": format_lazy(_("Through the API: {action}"), action=name)
            for operation, name in OPERATIONS.items()
        },
    }
)
