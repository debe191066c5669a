"""Public transparency pages and the CSV export of the public ledger. Reader pages: the
same for everyone, no cookies, cacheable."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from solidarity.campaigns.funds import campaign_owner
from solidarity.campaigns.models import Campaign
from solidarity.campaigns.selectors import campaign_cards, public_campaign, public_campaigns
from solidarity.core.caching import reader_page
from solidarity.core.formatting import format_date
from solidarity.core.money import Money
from solidarity.ledger.selectors import public_postings
from solidarity.transparency import selectors, site_figures
from solidarity.web.charts import Bar, bar_chart

CAMPAIGNS_PER_PAGE = 50


def _legend() -> list[tuple[str, str]]:
    return [("in", _("Collected")), ("out", _("Paid out"))]


@require_safe
@reader_page
def campaign_transparency(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        campaign = public_campaign(slug)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc
    report = selectors.campaign_report(campaign)
    bars = [Bar(_("Collected"), report.totals.collected, "in")]
    bars += [Bar(label, money, "out") for _cat, label, money in report.spent_by_category]
    bars.append(Bar(_("Balance"), report.totals.balance, "in"))
    chart = bar_chart(bars, title=_("Collected, spent per need and balance"), legend=_legend())
    return render(request, "transparency/campaign.html", {"campaign": campaign, "report": report, "chart": chart})


@require_safe
@reader_page
def site_transparency(request: HttpRequest) -> HttpResponse:
    report = site_figures.report()
    charts = []
    for currency in sorted({c for row in report.months for c in (*row.collected, *row.spent)}):
        bars = []
        for row in report.months[-12:]:
            label = format_date(row.month, fmt="LLL y")
            if row.collected.get(currency):
                bars.append(Bar(f"{label} ↓", Money.from_minor(row.collected[currency], currency), "in"))
            if row.spent.get(currency):
                bars.append(Bar(f"{label} ↑", Money.from_minor(row.spent[currency], currency), "out"))
        if bars:
            charts.append(
                bar_chart(
                    bars,
                    title=_("Collected (↓) and paid out (↑) per month, %(currency)s") % {"currency": currency},
                    legend=_legend(),
                )
            )
    # One row per public campaign, its figures from the ledger (one batched query per page of
    # CAMPAIGNS_PER_PAGE, so the page costs the same with 100 000 campaigns: bench/scale.py).
    pages = Paginator(public_campaigns().order_by("status", "-published_at", "-id"), CAMPAIGNS_PER_PAGE)
    page = pages.get_page(request.GET.get("page"))  # anything that is not a page number: the first
    context = {"report": report, "charts": charts, "campaigns": campaign_cards(list(page)), "page": page}
    return render(request, "transparency/site.html", context)


def _ledger_rows() -> Iterator[list[str]]:
    yield ["transaction", "day", "kind", "campaign", "account", "amount", "currency", "reverses"]
    slugs = {campaign_owner(pk): slug for pk, slug in Campaign.objects.values_list("pk", "slug")}
    for txn, day, kind, owner, purpose, minor, currency, reverses in public_postings():
        slug = slugs.get(owner)
        yield [
            str(txn),
            day.isoformat(),
            kind,
            slug or "",
            purpose,
            str(Money.from_minor(minor, currency).amount),
            currency,
            str(reverses or ""),
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_safe
@reader_page
def ledger_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every posting of the public ledger: no donor, no name, no message — only money."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _ledger_rows()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="solidarity-ledger.csv"'
    return response
