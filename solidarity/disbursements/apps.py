from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisbursementsConfig(AppConfig):
    verbose_name = _("Payouts")
    name = "solidarity.disbursements"
    label = "disbursements"

    def ready(self) -> None:
        # The work that waits, on the back office's first page (staff/waiting_work.py).
        from solidarity.disbursements.models import Disbursement, DisbursementStatus
        from solidarity.disbursements.selectors import monthly_needs_due
        from solidarity.staff.waiting_work import WorkKind, register_waiting_work

        register_waiting_work(
            WorkKind(
                key="payouts_awaiting",
                label=_("Payouts and voids awaiting a second person"),
                page="disbursements_disbursement_changelist",
                query="status__exact=awaiting",
                count=lambda: Disbursement.objects.filter(status=DisbursementStatus.AWAITING_APPROVAL).count(),
                order=30,
            )
        )
        register_waiting_work(
            WorkKind(
                key="monthly_needs_due",
                label=_("Monthly needs due this week or overdue"),
                page="disbursements_disbursement_monthly",
                query="within=7",
                count=lambda: len(monthly_needs_due(7)),
                order=35,
            )
        )
