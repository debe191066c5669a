from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    verbose_name = _("Campaigns")
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
