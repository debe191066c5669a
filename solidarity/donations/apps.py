from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DonationsConfig(AppConfig):
    verbose_name = _("Donations")
    name = "solidarity.donations"
    label = "donations"

    def ready(self) -> None:
        # The work that waits, on the back office's first page (staff/waiting_work.py).
        from solidarity.donations.models import RefundRequest, RefundRequestStatus
        from solidarity.staff.waiting_work import WorkKind, register_waiting_work

        register_waiting_work(
            WorkKind(
                key="refunds_awaiting",
                label=_("Refunds and reversals awaiting a second person"),
                page="donations_refundrequest_changelist",
                query="status__exact=awaiting",
                count=lambda: RefundRequest.objects.filter(status=RefundRequestStatus.AWAITING).count(),
                order=40,
            )
        )

        from solidarity.donations.ledger_checks import check_donations
        from solidarity.ledger.verification import register_check

        register_check(check_donations)
