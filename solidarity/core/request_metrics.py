"""Requests counted by view name and status, for `/metrics` (Prometheus).

`RequestMetricsMiddleware` stands first in MIDDLEWARE, so it sees every answer, those of
the other middleware included (a redirect to https, a refused form). Its labels are the
resolved view name ("web:campaign"), never the path — a path can carry a receipt code or
a monthly-gift secret — and never anything about the client: no address, no user agent.
A request that resolves to no view (a 404 for an unknown path, or an answer given by a
middleware before resolution) is counted under UNRESOLVED.

With several app server processes (granian `--workers`, gunicorn), set
PROMETHEUS_MULTIPROC_DIR to an empty folder private to the app server before it starts
(systemd's RuntimeDirectory in solidarity-app.service): each process writes its counts
there and `/metrics` adds them up (prometheus_client's multiprocess mode).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

UNRESOLVED = "<unresolved>"

# This process's own metrics; with PROMETHEUS_MULTIPROC_DIR every process's, from there.
REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "solidarity_http_requests",
    "HTTP requests answered, by resolved view name and status code.",
    ["view", "status"],
    registry=REGISTRY,
)
DURATION = Histogram(
    "solidarity_http_request_duration_seconds",
    "Time to the response (a streamed body not included), by resolved view name.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
    registry=REGISTRY,
)


def view_label(request: HttpRequest) -> str:
    """The resolved view's name, namespaced (Django falls back to the view's dotted path)."""
    match = getattr(request, "resolver_match", None)
    return match.view_name if match is not None else UNRESOLVED


class RequestMetricsMiddleware:
    """Count each request under its view name and status, and time it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        REQUESTS.labels(view=view, status=str(response.status_code)).inc()
        DURATION.labels(view=view).observe(time.perf_counter() - started)
        return response


def request_metrics_text() -> bytes:
    """The request metrics in the Prometheus text format: every process's in multiprocess mode."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
