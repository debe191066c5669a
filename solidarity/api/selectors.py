"""Reads the API needs beyond the apps' own selectors: filtered, paginated lists."""

from __future__ import annotations

from solidarity.api.pagination import Page, keyset_page
from solidarity.campaigns.models import Campaign
from solidarity.campaigns.selectors import search_campaigns
from solidarity.payments.models import BankLine


def campaign_page(
    *, status: str = "", category: str = "", currency: str = "", query: str = "", cursor: str | None, limit: int
) -> Page[Campaign]:
    """Public campaigns, newest first, filtered as on the list page (plus currency).

    Ordered by id rather than the page's status-then-date order, because a cursor needs
    a strict, unchanging order: a campaign closing must not move between pages.
    """
    qs = search_campaigns(status=status, category=category, query=query)
    if currency:
        qs = qs.filter(currency=currency.replace("\x00", "").upper()[:3])
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=True)


def review_queue_page(*, cursor: str | None, limit: int) -> Page[BankLine]:
    """Statement lines waiting for a person to match, record or ignore them, oldest first."""
    qs = BankLine.objects.filter(state=BankLine.State.UNMATCHED).select_related("statement", "data_key")
    return keyset_page(qs, cursor=cursor, limit=limit, newest_first=False)
