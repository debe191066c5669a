"""`/healthz` (the process answers) and `/readyz` (it can serve: its dependencies hold).

Load balancers and monitors poll these, so they set no cookie, log no address and are
never cached. `/readyz` runs each function in `READINESS_CHECKS` and answers 503 naming
every check that failed; add a check by appending a function that returns None when all
is well or a short reason (no personal data) when not.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from solidarity.core.worker_heartbeat import last_worker_heartbeat
from solidarity.ledger.selectors import latest_verification
from solidarity.payments.selectors import oldest_backlog_event_at
from solidarity.publiclog.selectors import oldest_unsealed_at

ReadinessCheck = Callable[[], str | None]


def database_reachable() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # any driver error means not ready
        return f"database unreachable: {type(exc).__name__}"
    return None


def cache_reachable() -> str | None:
    try:
        cache.set("readyz:probe", "1", 10)
        if cache.get("readyz:probe") != "1":
            return "cache did not return what was stored"
    except Exception as exc:
        return f"cache unreachable: {type(exc).__name__}"
    return None


def ledger_verified() -> str | None:
    """The latest `verify_ledger` run passed and is recent (SOLIDARITY_VERIFICATION_MAX_AGE)."""
    run = latest_verification()
    if run is None:
        return "the ledger has never been verified (run manage.py verify_ledger)"
    if not run.ok:
        return f"the ledger failed verification at {run.checked_at.isoformat()}: {run.first_problem}"
    if timezone.now() - run.checked_at > timedelta(seconds=settings.SOLIDARITY_VERIFICATION_MAX_AGE):
        return f"the last ledger verification is older than {settings.SOLIDARITY_VERIFICATION_MAX_AGE} s"
    return None


def _older_than(moment: datetime | None, seconds: int) -> bool:
    return moment is not None and timezone.now() - moment > timedelta(seconds=seconds)


def worker_alive() -> str | None:
    """A task worker ran the heartbeat task lately (SOLIDARITY_WORKER_HEARTBEAT_MAX_AGE; 0: unchecked)."""
    limit = settings.SOLIDARITY_WORKER_HEARTBEAT_MAX_AGE
    if not limit:
        return None
    beat = last_worker_heartbeat()
    if beat is None:
        return "no task worker has run the heartbeat task (is db_worker running? the worker_heartbeat timer?)"
    if _older_than(beat, limit):
        return f"no task worker has run the heartbeat task for more than {limit} s"
    return None


def webhook_backlog_fresh() -> str | None:
    """No provider event has waited longer than SOLIDARITY_WEBHOOK_BACKLOG_MAX_AGE to be applied."""
    limit = settings.SOLIDARITY_WEBHOOK_BACKLOG_MAX_AGE
    if _older_than(oldest_backlog_event_at(), limit):
        return f"a provider event has waited more than {limit} s to be applied"
    return None


def log_sealed() -> str | None:
    """No ledger transaction has waited longer than SOLIDARITY_SEAL_MAX_AGE for the public log."""
    limit = settings.SOLIDARITY_SEAL_MAX_AGE
    if _older_than(oldest_unsealed_at(), limit):
        return f"a ledger transaction has waited more than {limit} s to be sealed (run manage.py seal_log)"
    return None


def _guarded(check: ReadinessCheck) -> ReadinessCheck:
    """A check that needs the database fails with a reason, not a 500, when it is down."""

    def run() -> str | None:
        try:
            return check()
        except Exception as exc:
            return f"could not check: {type(exc).__name__}"

    run.__doc__ = check.__doc__
    return run


# Name → check, in the order the body lists them.
READINESS_CHECKS: dict[str, ReadinessCheck] = {
    "database": database_reachable,
    "cache": cache_reachable,
    "ledger_verification": _guarded(ledger_verified),
    "log_seal": _guarded(log_sealed),
    "webhook_backlog": _guarded(webhook_backlog_fresh),
    "worker_heartbeat": _guarded(worker_alive),
}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up; depends on nothing, so a failing database does not restart it."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when every readiness check passes, else 503 naming the failed ones."""
    failed: dict[str, str] = {}
    for name, check in READINESS_CHECKS.items():
        reason = check()
        if reason is not None:
            failed[name] = reason
    checks = {name: failed.get(name, "ok") for name in READINESS_CHECKS}
    response = JsonResponse(
        {"status": "fail" if failed else "ok", "failed": sorted(failed), "checks": checks},
        status=503 if failed else 200,
    )
    # A monitor polls this every few seconds: a failure is logged once where it happens
    # (the verification run), not again by django.request for every poll.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
