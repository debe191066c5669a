"""Names of this app's audit actions, in the reader's language (staff/audit_actions.py)."""

from django.utils.translation import gettext_lazy as _

from solidarity.staff.audit_actions import name_actions

name_actions(
    {
        "payments.set_channel": _("Payment channel switched on or off"),
        "payments.import_statement": _("Bank statement imported"),
        "payments.save_csv_format": _("CSV column mapping saved"),
        "payments.match_line": _("Bank line matched to a donation by its reference"),
        "payments.confirm_candidate": _("Bank line matched to a suggested donation"),
        "payments.line_to_campaign": _("Bank line booked as a new donation to a campaign"),
        "payments.undo_line_match": _("Wrong match of a bank line undone"),
        "payments.ignore_line": _("Bank line set aside"),
        "payments.dismiss_lines": _("Bank lines dismissed"),
        "payments.purge_bank_lines": _("Old bank lines' payer details erased"),
    }
)
