"""The back office's alarm: a red banner on every page while the ledger fails verification.

Rendered by templates/admin/base_site.html, so only back-office pages pay for the query
and reader pages never run it. The banner stays until a later `verify_ledger` run passes.
"""

from __future__ import annotations

from typing import Any

from django import template

from solidarity.ledger.selectors import latest_verification

register = template.Library()


@register.inclusion_tag("admin/ledger_alarm.html", takes_context=True)
def ledger_alarm(context: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {"failed_run": None}
    run = latest_verification()
    return {"failed_run": run if run is not None and not run.ok else None}
