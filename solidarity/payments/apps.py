from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    verbose_name = _("Payments")
    name = "solidarity.payments"
    label = "payments"

    def ready(self) -> None:
        # The work that waits, on the back office's first page (staff/waiting_work.py).
        from solidarity.payments.models import BankLine, ProviderEvent
        from solidarity.staff.waiting_work import WorkKind, register_waiting_work

        stuck = [ProviderEvent.State.FAILED, ProviderEvent.State.WAITING]
        register_waiting_work(
            WorkKind(
                key="bank_lines_to_review",
                label=_("Statement lines waiting for review"),
                page="payments_bankline_changelist",
                query="state__exact=unmatched",
                count=lambda: BankLine.objects.filter(state=BankLine.State.UNMATCHED).count(),
                order=20,
            )
        )
        register_waiting_work(
            WorkKind(
                key="provider_events_stuck",
                label=_("Provider events failed or waiting"),
                page="payments_providerevent_changelist",
                query="state__in=failed,waiting",
                count=lambda: ProviderEvent.objects.filter(state__in=stuck).count(),
                order=50,
            )
        )
        from solidarity.payments import own_accounts  # noqa: F401  (registers the own-account system check)
