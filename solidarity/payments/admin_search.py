"""Find bank statement lines from the back office's search box, and narrow them by date range.

A term is read as an amount ("40", "40,00", "40 EUR"), a booking day ("2026-11-20") or
an RF reference in any spacing (found on the line's own reference column while it waits
for review, and through the donations a matched line paid once its text is blanked).
Other text searches the plain columns that stay readable: the line's reference and the
review note. The payer's name, account and remittance text are not searched: they are
personal data, blanked once a line is matched and kept encrypted until then.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace, Upper
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from solidarity.donations.search import amount_lookup, day_lookup, rf_reference
from solidarity.payments.models import BankLine
from solidarity.staff.admin_filters import DateRangeFilter

BANK_LINE_FILTERS = ("state", "currency", ("booking_date", DateRangeFilter))


def _compact(field: str) -> Replace:
    """The column upper-cased without spaces or hyphens, as references are compared."""
    return Replace(Replace(Upper(field), Value(" "), Value("")), Value("-"), Value(""))


def bank_line_lookup(queryset: QuerySet[BankLine], term: str) -> QuerySet[BankLine]:
    """The lines one search term names."""
    term = term.strip()
    if reference := rf_reference(term):
        matched = Q(allocations__donation__bank_reference=reference)
        return (
            queryset.annotate(compact_reference=_compact("reference"))
            .filter(matched | Q(compact_reference__contains=reference))
            .distinct()
        )
    if day := day_lookup(term):
        return queryset.filter(booking_date=day)
    if amount := amount_lookup(term):
        return queryset.filter(amount)
    return queryset.filter(Q(reference__icontains=term) | Q(note__icontains=term))


class BankLineSearchMixin(admin.ModelAdmin):  # type: ignore[type-arg]
    search_fields = ("reference", "note")  # turns the search box on; the lookup is our own
    search_help_text = _(
        "An amount (40, 40.00 or 40,00, optionally with its currency), a booking day (2026-11-20), "
        "an RF reference in any spacing, or words of the reference or the review note."
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[BankLine], search_term: str
    ) -> tuple[QuerySet[BankLine], bool]:
        if not search_term.strip():
            return queryset, False
        found = bank_line_lookup(queryset, search_term)
        return found, found.query.distinct
