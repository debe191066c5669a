"""Find any donation from the back office's one search box, and narrow the list by date
range, campaign, channel and status.

The search box reads the term as the one thing it names (solidarity/donations/search.py):
an RF reference in any spacing or case, a receipt code (compared by its hash: the code is
never stored, logged or written to the audit log), an amount, a day or "#<number>";
anything else searches campaign slugs and public names as before.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from solidarity.donations.models import Donation
from solidarity.donations.search import donation_lookup
from solidarity.staff.admin_filters import DateRangeFilter

DONATION_FILTERS = (
    ("received_on", DateRangeFilter),
    ("campaign", admin.RelatedOnlyFieldListFilter),
    "channel",
    "status",
    "currency",
)


class DonationSearchMixin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_help_text = _(
        "An RF reference (any spacing), a receipt code, an amount (40, 40.00 or 40,00, optionally with "
        "its currency), a day (2026-11-20), #number, or words of the campaign or the public name."
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Donation], search_term: str
    ) -> tuple[QuerySet[Donation], bool]:
        lookup = donation_lookup(search_term)
        if lookup is None:
            return super().get_search_results(request, queryset, search_term)
        return queryset.filter(lookup), False
