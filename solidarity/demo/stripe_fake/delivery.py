"""Webhook delivery: signed POSTs to registered endpoints, off the request thread.

Stripe delivers each event to each endpoint on its own schedule; a slow or
failing receiver never blocks the API.  Here one background thread delivers in
event order (deterministic for tests), records every attempt, and retries
failed ones only when asked (``redeliver_failed``), which is how a test
exercises "the app was down, Stripe retried".  With ``auto=False`` nothing
leaves until ``deliver_pending()`` is called, in the caller's thread, which is
what a Django test needs when the receiver is the test client inside the test's
database transaction.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .signing import new_secret, signature_header

JSONEvent = dict[str, Any]
#: A callable endpoint: gets the exact body and the headers, returns the HTTP status.
Handler = Callable[[bytes, dict[str, str]], int]


@dataclass
class WebhookEndpoint:
    """A registered receiver: a URL, or a callable standing in for one."""

    id: str
    url: str | None
    secret: str
    handler: Handler | None = None
    enabled_events: frozenset[str] | None = None  # None means every event

    def wants(self, event_type: str) -> bool:
        return self.enabled_events is None or event_type in self.enabled_events or "*" in self.enabled_events


@dataclass
class Delivery:
    """One attempt to deliver one event to one endpoint."""

    event_id: str
    event_type: str
    endpoint_id: str
    url: str | None
    attempt: int
    status: int | None = None
    error: str | None = None
    at: float = field(default_factory=time.time)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Stripe counts a 3xx answer as a failed delivery; so do we (no following)."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


class Dispatcher:
    """Queues events per endpoint and delivers them, recording ``Delivery`` rows."""

    def __init__(self, auto: bool = True, timeout: float = 10.0) -> None:
        self.auto = auto
        self.timeout = timeout
        self.endpoints: list[WebhookEndpoint] = []
        self.deliveries: list[Delivery] = []
        self._queue: deque[tuple[JSONEvent, WebhookEndpoint, int]] = deque()
        self._busy = False
        self._cond = threading.Condition()
        self._closed = False
        self._sent: dict[str, JSONEvent] = {}  # event id -> event, for redelivery
        self._thread = threading.Thread(target=self._run, name="stripe-fake-webhooks", daemon=True)
        self._thread.start()

    # -------------------------------------------------------------- endpoints
    def add_endpoint(
        self,
        url: str | None,
        secret: str | None = None,
        handler: Handler | None = None,
        events: list[str] | None = None,
    ) -> WebhookEndpoint:
        endpoint = WebhookEndpoint(
            id=f"we_{len(self.endpoints) + 1:04d}",
            url=url,
            secret=secret or new_secret(),
            handler=handler,
            enabled_events=frozenset(events) if events is not None else None,
        )
        with self._cond:
            self.endpoints.append(endpoint)
        return endpoint

    # --------------------------------------------------------------- queueing
    def enqueue(self, events: list[JSONEvent]) -> None:
        with self._cond:
            for event in events:
                for endpoint in self.endpoints:
                    if endpoint.wants(event["type"]):
                        self._queue.append((event, endpoint, 1))
            self._cond.notify_all()

    def redeliver_failed(self) -> int:
        """Queue another attempt for every (event, endpoint) whose latest attempt failed."""
        with self._cond:
            latest: dict[tuple[str, str], Delivery] = {}
            for d in self.deliveries:
                latest[(d.event_id, d.endpoint_id)] = d
            by_id = {e.id: e for e in self.endpoints}
            count = 0
            for d in latest.values():
                if not d.ok and d.endpoint_id in by_id and d.event_id in self._sent:
                    self._queue.append((self._sent[d.event_id], by_id[d.endpoint_id], d.attempt + 1))
                    count += 1
            self._cond.notify_all()
            return count

    def set_auto(self, auto: bool) -> None:
        """Switch between background delivery and ``deliver_pending()`` in the caller's thread."""
        with self._cond:
            self.auto = auto
            self._cond.notify_all()

    def pending(self) -> int:
        with self._cond:
            return len(self._queue) + (1 if self._busy else 0)

    def wait(self, timeout: float) -> bool:
        """Block until every queued delivery has been attempted (auto mode)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self.auto:
                    return False
                self._cond.wait(remaining)
            return True

    def deliver_pending(self) -> list[Delivery]:
        """Deliver everything queued now, in this thread (manual mode)."""
        done: list[Delivery] = []
        while True:
            with self._cond:
                if not self._queue:
                    return done
                item = self._queue.popleft()
            done.append(self._deliver(*item))

    def reset(self, forget_endpoints: bool = False) -> None:
        """Drop queued work and history; waits for an attempt in flight so it cannot land afterwards."""
        with self._cond:
            if forget_endpoints:
                self.endpoints.clear()
            self._queue.clear()
            deadline = time.monotonic() + self.timeout + 1
            while self._busy and time.monotonic() < deadline:
                self._cond.wait(deadline - time.monotonic())
            self.deliveries.clear()
            self._sent.clear()

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(timeout=5)

    # ---------------------------------------------------------------- sending
    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._closed and (not self.auto or not self._queue):
                    self._cond.wait()
                if self._closed:
                    return
                item = self._queue.popleft()
                self._busy = True
            try:
                self._deliver(*item)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _deliver(self, event: JSONEvent, endpoint: WebhookEndpoint, attempt: int) -> Delivery:
        # Stripe pretty-prints its payloads; the signature covers these exact bytes.
        payload = json.dumps(event, indent=2)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Stripe-Signature": signature_header(payload, endpoint.secret),
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Cache-Control": "no-cache",
        }
        record = Delivery(event["id"], event["type"], endpoint.id, endpoint.url, attempt)
        body = payload.encode("utf-8")
        try:
            if endpoint.handler is not None:
                record.status = int(endpoint.handler(body, headers))
            else:
                assert endpoint.url is not None
                request = urllib.request.Request(endpoint.url, data=body, headers=headers, method="POST")  # noqa: S310 (http endpoint a test registered)
                with _OPENER.open(request, timeout=self.timeout) as response:
                    record.status = response.status
        except urllib.error.HTTPError as exc:
            record.status = exc.code
        except Exception as exc:  # connection refused, timeout, a handler that raised
            record.error = f"{type(exc).__name__}: {exc}"
        with self._cond:
            self._sent[event["id"]] = event
            self.deliveries.append(record)
        return record
