"""Site-wide figures (all campaigns together), refreshed off the request path.

A campaign's own totals are summed from its postings on every read: that costs what the
campaign holds, not what the site holds. The site-wide figures on the home and
transparency pages — everything collected, the number of donations, the monthly report —
are sums over *every* posting; at millions of postings they take seconds (and the count
of public campaigns grows with the site too). So they are
computed by a background task (`refresh_site_figures_task`, run by `manage.py
db_worker`) and kept in the cache; a reader gets the last computed value, and a reader who
finds it older than SOLIDARITY_SITE_FIGURES_MAX_AGE asks for a refresh (one task, however
many readers ask). Only when nothing was ever computed (a cold cache) does a request
compute them itself.

So the site-wide figures may lag by up to SOLIDARITY_SITE_FIGURES_MAX_AGE plus one
refresh; per-campaign totals are not affected. With the setting at 0 (development and
tests) every read computes them at once. bench/scale.py measures why this is needed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from solidarity.campaigns.selectors import public_campaigns
from solidarity.core.money import Money
from solidarity.ledger.selectors import collected_by_currency, donation_count
from solidarity.transparency.selectors import SiteReport, site_report

logger = logging.getLogger(__name__)


def _public_campaign_count() -> int:
    return public_campaigns().count()


FIGURES: dict[str, Callable[[], Any]] = {
    "collected": collected_by_currency,
    "donations": donation_count,
    "campaigns": _public_campaign_count,
    "report": site_report,
}
_PREFIX = "site-figures:v1:"
# A computed value outlives its refresh period by far, so that readers are never left
# without one while the worker is busy or down.
_KEEP_SECONDS = 7 * 24 * 3600


def max_age() -> int:
    return int(getattr(settings, "SOLIDARITY_SITE_FIGURES_MAX_AGE", 0))


def refresh(name: str) -> Any:
    """Compute one figure now and store it (what the background task runs)."""
    value = FIGURES[name]()
    try:
        cache.set(_PREFIX + name, (time.time(), value), timeout=_KEEP_SECONDS)
    except Exception:
        logger.warning("site figures cache unavailable", exc_info=True)
    return value


def _ask_for_refresh(name: str, lifetime: int) -> None:
    # cache.add succeeds for one caller per period: one task however many readers ask.
    if not cache.add(_PREFIX + name + ":asked", 1, timeout=lifetime):
        return
    from solidarity.transparency.tasks import refresh_site_figures_task

    try:
        refresh_site_figures_task.enqueue(name)
    except Exception:
        logger.warning("could not enqueue a refresh of the site figures", exc_info=True)


def _figure(name: str) -> Any:
    lifetime = max_age()
    if lifetime <= 0:
        return FIGURES[name]()
    try:
        stored = cache.get(_PREFIX + name)
    except Exception:
        logger.warning("site figures cache unavailable", exc_info=True)
        return FIGURES[name]()
    if stored is None:
        return refresh(name)
    computed_at, value = stored
    if time.time() - computed_at > lifetime:
        _ask_for_refresh(name, lifetime)
    return value


def collected() -> list[Money]:
    """Everything collected for all campaigns, one Money per currency (maybe a little old)."""
    return list(_figure("collected"))


def donations() -> int:
    """Donations in the ledger that have not been reversed (maybe a little old)."""
    return int(_figure("donations"))


def campaign_count() -> int:
    """How many campaigns readers can see (maybe a little old)."""
    return int(_figure("campaigns"))


def report() -> SiteReport:
    """The site-wide transparency report (maybe a little old)."""
    value: SiteReport = _figure("report")
    return value
