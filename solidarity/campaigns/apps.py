from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "solidarity.campaigns"
    label = "campaigns"

    def ready(self) -> None:
        # The work that waits, on the back office's first page (staff/waiting_work.py).
        from django.utils import timezone

        from solidarity.campaigns.models import Campaign, CampaignStatus
        from solidarity.staff.waiting_work import WorkKind, register_waiting_work

        register_waiting_work(
            WorkKind(
                key="campaigns_past_deadline",
                label=_("Campaigns past their deadline, still open"),
                page="campaigns_campaign_changelist",
                query="status__exact=active",
                count=lambda: Campaign.objects.filter(
                    status=CampaignStatus.ACTIVE, deadline__lt=timezone.localdate()
                ).count(),
                order=60,
            )
        )
        # HOOK (monthly needs, helper `payouts`): once campaigns.selectors can list the monthly
        # needs due in the next 7 days, register them here the same way, e.g.
        #   WorkKind(key="monthly_needs_due", label=_("Monthly needs due this week"),
        #            page=<the due-needs page's URL name>, query="", count=<that selector's count>, order=35)
        # and the page must be in staff/page_access.BACK_OFFICE_PAGES (finance).
