"""`/metrics`: the site's health in the Prometheus text format, for a monitor with the token.

Answers only a request that carries `Authorization: Bearer <SOLIDARITY_METRICS_TOKEN>`
(401 otherwise); with no token configured the page does not exist (404). Besides the
requests counted by `core.request_metrics`, each scrape reads a few counts and times from
the database — provider events by state, the webhook backlog's age, the public log's
last seal, the last ledger verification, the task queue's depth, the worker's heartbeat.
Counts and times only: no amount, no donor, no address, no path.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from solidarity.core.request_metrics import request_metrics_text
from solidarity.core.worker_heartbeat import last_worker_heartbeat, queued_task_count
from solidarity.ledger.selectors import latest_verification
from solidarity.payments.selectors import event_counts_by_state, oldest_backlog_event_at
from solidarity.publiclog.selectors import latest_checkpoint, oldest_unsealed_at

# The classic text format, which every Prometheus version reads (the names are plain ASCII).
TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"


def _age(moment: datetime | None, now: datetime) -> float:
    return (now - moment).total_seconds() if moment is not None else 0.0


def _timestamp(moment: datetime | None) -> float | None:
    return moment.timestamp() if moment is not None else None


GAUGES = {
    "solidarity_webhook_backlog_age_seconds": "Age of the oldest provider event not applied yet; 0 when none.",
    "solidarity_log_last_seal_timestamp_seconds": "When the public log's latest checkpoint was signed (Unix time).",
    "solidarity_log_unsealed_age_seconds": "Age of the oldest ledger transaction not sealed yet; 0 when none.",
    "solidarity_ledger_last_verification_timestamp_seconds": "When verify_ledger last ran (Unix time).",
    "solidarity_ledger_last_verification_ok": "1 if the last verify_ledger run passed, else 0.",
    "solidarity_task_queue_depth": "Tasks due and waiting for a worker.",
    "solidarity_worker_last_heartbeat_timestamp_seconds": "When a task worker last ran the heartbeat task (Unix time).",
}


class SiteStateCollector(Collector):
    """Gauges read from the database (and the cache) at each scrape."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        events = GaugeMetricFamily("solidarity_webhook_events", "Stored provider events by state.", labels=["state"])
        for state, count in event_counts_by_state().items():
            events.add_metric([state], count)
        yield events
        for name, value in self.values().items():
            if value is not None:  # a time that never happened yet is left out, not 0
                yield GaugeMetricFamily(name, GAUGES[name], value=value)

    def values(self) -> dict[str, float | None]:
        now = timezone.now()
        checkpoint = latest_checkpoint()
        run = latest_verification()
        return {
            "solidarity_webhook_backlog_age_seconds": _age(oldest_backlog_event_at(), now),
            "solidarity_log_last_seal_timestamp_seconds": _timestamp(checkpoint.created_at if checkpoint else None),
            "solidarity_log_unsealed_age_seconds": _age(oldest_unsealed_at(), now),
            "solidarity_ledger_last_verification_timestamp_seconds": _timestamp(run.checked_at if run else None),
            "solidarity_ledger_last_verification_ok": float(run.ok) if run else None,
            "solidarity_task_queue_depth": float(queued_task_count()),
            "solidarity_worker_last_heartbeat_timestamp_seconds": _timestamp(last_worker_heartbeat()),
        }


def _authorised(request: HttpRequest) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    expected = settings.SOLIDARITY_METRICS_TOKEN
    return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), expected.encode())


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics for a scrape with the bearer token; 404 when no token is configured."""
    if not settings.SOLIDARITY_METRICS_TOKEN:
        raise Http404
    if not _authorised(request):
        response = HttpResponse("a bearer token is required\n", status=401, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    registry = CollectorRegistry()
    registry.register(SiteStateCollector())
    return HttpResponse(request_metrics_text() + generate_latest(registry), content_type=TEXT_FORMAT)
