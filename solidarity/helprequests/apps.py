from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpRequestsConfig(AppConfig):
    name = "solidarity.helprequests"
    label = "helprequests"
    verbose_name = _("Help requests")

    def ready(self) -> None:
        # The work that waits, on the back office's first page (staff/waiting_work.py).
        from solidarity.helprequests.models import HelpRequest, HelpRequestState
        from solidarity.staff.waiting_work import WorkKind, register_waiting_work

        register_waiting_work(
            WorkKind(
                key="new_help_requests",
                label=_("New help requests"),
                page="helprequests_helprequest_changelist",
                query="state__exact=new",
                count=lambda: HelpRequest.objects.filter(state=HelpRequestState.NEW).count(),
                order=10,
            )
        )
