"""``StripeFake``: a local HTTP server that answers the official SDK like Stripe.

Point the SDK at ``fake.url`` (``stripe.api_base`` or
``StripeClient(..., base_addresses={"api": fake.url})``) and it talks to this
server with the same requests it sends to api.stripe.com: form bodies, Bearer
auth, ``Idempotency-Key`` on every POST, retries on 5xx/409.  The server
answers in Stripe's shapes (objects, lists, ``{"error": ...}`` bodies, 401 for
a bad key, ``Idempotent-Replayed`` on replays), serves a hosted checkout page
at ``/pay/<session id>``, and posts signed events to registered endpoints.
"""

from __future__ import annotations

import base64
import copy
import dataclasses
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import stripe

from . import hosted_page
from .delivery import Delivery, Dispatcher, Handler, WebhookEndpoint
from .engine import Engine, PayOutcome
from .objects import list_object, new_id
from .wire import JSON, StripeError, as_bool, as_int, check_known, parse_form

Route = Callable[["StripeFake", re.Match[str], JSON], JSON]
_RETRIEVABLE = {
    "payment_intents": "payment_intent",
    "charges": "charge",
    "balance_transactions": "balance_transaction",
    "refunds": "refund",
    "subscriptions": "subscription",
    "invoices": "invoice",
    "customers": "customer",
    "disputes": "dispute",
    "events": "event",
    "payment_methods": "payment_method",
    "prices": "price",
    "products": "product",
    "checkout/sessions": "checkout.session",
}


class _RetrieveParams:
    """Schema for GET-by-id calls: Stripe accepts only ``expand`` there."""

    __annotations__ = {"expand": "List[str]"}


def _retrieve(kind: str) -> Route:
    def route(fake: StripeFake, m: re.Match[str], params: JSON) -> JSON:
        check_known(params, _RetrieveParams)
        with fake.engine.lock:
            return fake.engine.render(fake.engine.get(kind, m["id"]), params.get("expand"))

    return route


def _session_lines(fake: StripeFake, m: re.Match[str], params: JSON) -> JSON:
    with fake.engine.lock:
        fake.engine.get("checkout.session", m["id"], "session")
        lines = copy.deepcopy(fake.engine.session_lines[m["id"]])
        return list_object(lines, f"/v1/checkout/sessions/{m['id']}/line_items")


ROUTES: list[tuple[str, re.Pattern[str], Route]] = [
    ("POST", re.compile(r"/v1/checkout/sessions"), lambda f, m, p: f.engine.create_session(p, f.url)),
    (
        "POST",
        re.compile(r"/v1/checkout/sessions/(?P<id>[^/]+)/expire"),
        lambda f, m, p: f.engine.expire_session(m["id"]),
    ),
    ("GET", re.compile(r"/v1/checkout/sessions/(?P<id>[^/]+)/line_items"), _session_lines),
    ("POST", re.compile(r"/v1/refunds"), lambda f, m, p: f.engine.refund(p)),
    ("POST", re.compile(r"/v1/subscriptions/(?P<id>[^/]+)"), lambda f, m, p: f.engine.update_subscription(m["id"], p)),
    (
        "DELETE",
        re.compile(r"/v1/subscriptions/(?P<id>[^/]+)"),
        lambda f, m, p: f.engine.cancel_subscription(m["id"], p),
    ),
    ("GET", re.compile(r"/v1/events"), lambda f, m, p: f.engine.list_events(p)),
    ("GET", re.compile(r"/v1/invoice_payments"), lambda f, m, p: f.engine.list_invoice_payments(p)),
] + [("GET", re.compile(rf"/v1/{path}/(?P<id>[^/]+)"), _retrieve(kind)) for path, kind in _RETRIEVABLE.items()]


@dataclass
class RequestRecord:
    """One API call as the fake saw it, for assertions on what the app sent."""

    method: str
    path: str
    params: JSON
    idempotency_key: str | None
    status: int


class StripeFake:
    """A Stripe-compatible Checkout/Billing server on 127.0.0.1 for tests.

    ``start()`` binds a free port; ``url`` is the API base for the SDK and the
    origin of the hosted checkout page.  All state is in memory; ``reset()``
    forgets objects, events, deliveries, endpoints, idempotency keys and faults.
    """

    def __init__(
        self,
        api_key: str = "sk_test_stripe_fake",
        *,
        api_version: str | None = None,
        auto_deliver: bool = True,
        delivery_timeout: float = 10.0,
        port: int = 0,
    ) -> None:
        self.api_key = api_key
        self.api_version = api_version or stripe.api_version
        self.engine = Engine(self.api_version)
        self.auto_deliver = auto_deliver
        self.dispatcher = Dispatcher(auto=auto_deliver, timeout=delivery_timeout)
        self.requests: list[RequestRecord] = []
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._idempotency: dict[tuple[str, str], tuple[tuple[str, str, str], int, bytes] | None] = {}
        self._delay = 0.0
        self._failures = 0
        # Responses written whose events are not handed to the dispatcher yet (see _Handler).
        self._unreleased = 0
        self._released = threading.Condition()

    # --------------------------------------------------------------- lifecycle
    def start(self) -> StripeFake:
        handler = type("Handler", (_Handler,), {"fake": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        # A short poll interval makes stop() prompt (the default 0.5 s adds up over a test run).
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="stripe-fake", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        self.dispatcher.close()

    def __enter__(self) -> StripeFake:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._httpd is None:
            raise RuntimeError("StripeFake is not started")
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def reset(self) -> None:
        with self._lock:
            self.engine.reset()
            self.dispatcher.reset(forget_endpoints=True)
            self.dispatcher.set_auto(self.auto_deliver)
            self.engine.endpoint_count = 0
            self.requests.clear()
            self._idempotency.clear()
            self._delay, self._failures = 0.0, 0

    # ----------------------------------------------------------- test controls
    def add_webhook_endpoint(
        self, url: str | None = None, secret: str | None = None, *, handler: Handler | None = None,
        events: list[str] | None = None,
    ) -> WebhookEndpoint:  # fmt: skip
        """Register a receiver (a URL, or a callable ``(body, headers) -> status``); returns it with its secret."""
        if (url is None) == (handler is None):
            raise ValueError("give exactly one of url or handler")
        endpoint = self.dispatcher.add_endpoint(url, secret, handler, events)
        self.engine.endpoint_count = len(self.dispatcher.endpoints)
        return endpoint

    def pay(
        self, session_id: str, card: str = "4242424242424242", name: str = "Jane Doe",
        email: str = "jane@example.org", expiry: str = "12/34", cvc: str = "123",
    ) -> PayOutcome:  # fmt: skip
        """Submit the hosted page's form without a browser; ``.error`` is set on a decline."""
        outcome = self.engine.pay(session_id, card, name, email, expiry, cvc)
        self._flush()
        with self.engine.lock:
            return dataclasses.replace(outcome, session=copy.deepcopy(outcome.session))

    def expire(self, session_id: str) -> JSON:
        return self._control(lambda: self.engine.expire_session(session_id))

    def renew(self, subscription_id: str, *, decline: bool = False) -> JSON | None:
        """Bill the next period; ``None`` when a subscription set to cancel at period end ends instead."""
        return self._control(lambda: self.engine.renew(subscription_id, decline))

    def refund(self, charge_id: str, amount: int | None = None, reason: str | None = None) -> JSON:
        params: JSON = {"charge": charge_id}
        if amount is not None:
            params["amount"] = str(amount)
        if reason is not None:
            params["reason"] = reason
        return self._control(lambda: self.engine.refund(params))

    def dispute(self, charge_id: str, reason: str = "fraudulent") -> JSON:
        return self._control(lambda: self.engine.dispute(charge_id, reason))

    def close_dispute(self, dispute_id: str, won: bool) -> JSON:
        return self._control(lambda: self.engine.close_dispute(dispute_id, won))

    def get(self, object_id: str) -> JSON:
        """A copy of any stored object by id (``cs_``, ``pi_``, ``ch_``, ``txn_``, ``sub_``, ``in_``, ...)."""
        with self.engine.lock:
            return copy.deepcopy(self.engine.objects[object_id])

    @property
    def events(self) -> list[JSON]:
        with self.engine.lock:
            return copy.deepcopy(self.engine.events)

    def event_types(self) -> list[str]:
        return [e["type"] for e in self.events]

    @property
    def deliveries(self) -> list[Delivery]:
        return list(self.dispatcher.deliveries)

    def wait_for_deliveries(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        if not self._await_release(deadline):
            return False
        return self.dispatcher.wait(max(deadline - time.monotonic(), 0.0))

    def deliver_pending(self, timeout: float = 10.0) -> list[Delivery]:
        """Deliver, in this thread, every event caused by a call whose answer the caller has had.

        An API call's events are released only after its response is written (so a webhook
        never overtakes it); the SDK may return before that release. Wait for it first, or a
        busy machine would let this deliver nothing while the events are still on their way.
        """
        if not self._await_release(time.monotonic() + timeout):
            raise TimeoutError(f"stripe_fake: answered calls did not release their events within {timeout} s")
        return self.dispatcher.deliver_pending()

    def _await_release(self, deadline: float) -> bool:
        """Block until every written response has handed its events to the dispatcher."""
        with self._released:
            while self._unreleased:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._released.wait(remaining)
            return True

    def _answering(self) -> None:
        with self._released:
            self._unreleased += 1

    def _answered(self) -> None:
        self._flush()
        with self._released:
            self._unreleased -= 1
            self._released.notify_all()

    def redeliver_failed(self) -> int:
        """Queue a new attempt (re-signed, ``attempt`` + 1) for each delivery whose latest attempt failed."""
        return self.dispatcher.redeliver_failed()

    def set_auto_deliver(self, auto: bool) -> None:
        """``False``: hold events until ``deliver_pending()`` (e.g. into Django's test client); reset restores."""
        self.dispatcher.set_auto(auto)

    def set_delay(self, seconds: float) -> None:
        self._delay = seconds

    def fail_next(self, n: int = 1) -> None:
        with self._lock:
            self._failures = n

    def _control(self, op: Callable[[], Any]) -> Any:
        try:
            return copy.deepcopy(op())
        finally:
            self._flush()

    def _flush(self) -> None:
        self.dispatcher.enqueue(self.engine.take_outbox())

    # ------------------------------------------------------------- API calls
    def _take_failure(self) -> bool:
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                return True
            return False

    def _authenticate(self, header: str | None) -> None:
        if not header:
            raise StripeError(
                401,
                "You did not provide an API key. You need to provide your API key in the Authorization header, "
                "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See "
                "https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
            )
        scheme, _, credential = header.partition(" ")
        key = credential.strip()
        if scheme.lower() == "basic":
            try:
                key = base64.b64decode(key).decode().split(":", 1)[0]
            except ValueError:
                key = ""
        if scheme.lower() not in ("bearer", "basic") or key != self.api_key:
            masked = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:] if len(key) > 12 else key
            raise StripeError(401, f"Invalid API Key provided: {masked}")

    def handle_api(
        self, method: str, path: str, query: str, body: str, headers: Any
    ) -> tuple[int, JSON, dict[str, str]]:
        """Answer one ``/v1`` call: auth, faults, idempotency, routing."""
        if self._delay:
            time.sleep(self._delay)
        req_id = new_id("req", 14)
        extra = {"Request-Id": req_id, "Stripe-Version": headers.get("Stripe-Version") or self.api_version}
        key = headers.get("Idempotency-Key") if method == "POST" else None
        params = parse_form(body if method == "POST" else query)
        fingerprint = (method, path, json.dumps(params, sort_keys=True))
        owns_key = False
        status, payload = 500, StripeError(500, "stripe_fake: request not handled", type="api_error").body()
        try:
            self._authenticate(headers.get("Authorization"))
            if self._take_failure():
                raise StripeError(500, "An unknown error occurred", type="api_error")
            if key:
                replay = self._idempotent_replay((self.api_key, key), fingerprint)
                if replay is not None:
                    extra.update({"Idempotent-Replayed": "true", "Idempotency-Key": key})
                    self.requests.append(RequestRecord(method, path, params, key, replay[0]))
                    return replay[0], replay[1], extra
                owns_key = True
            status, payload = 200, self._route(method, path, params, req_id, key)
        except StripeError as exc:
            status, payload = exc.status, exc.body()
            if status == 401:
                extra["WWW-Authenticate"] = 'Basic realm="Stripe"'
        finally:
            if owns_key and key:
                self._idempotent_store((self.api_key, key), fingerprint, status, payload)
        self.requests.append(RequestRecord(method, path, params, key, status))
        return status, payload, extra

    def _route(self, method: str, path: str, params: JSON, req_id: str, key: str | None) -> JSON:
        for verb, pattern, candidate in ROUTES:
            m = pattern.fullmatch(path)
            if m and verb == method:
                route = candidate
                break
        else:
            raise StripeError(404, f"Unrecognized request URL ({method}: {path}).")
        self.engine.request.info = {"id": req_id, "idempotency_key": key}
        try:
            result: JSON = json.loads(json.dumps(route(self, m, params)))
            return result
        finally:
            self.engine.request.info = None

    def _idempotent_replay(self, slot: tuple[str, str], fingerprint: tuple[str, str, str]) -> tuple[int, JSON] | None:
        with self._lock:
            if slot not in self._idempotency:
                self._idempotency[slot] = None  # in flight
                return None
            saved = self._idempotency[slot]
        if saved is None:
            raise StripeError(
                409,
                f"There is currently another in-progress request using this Idempotent Key (that probably means you "
                f"submitted twice, and the other request is still going through): {slot[1]}. Please try again later.",
                type="idempotency_error",
            )
        if saved[0] != fingerprint:
            raise StripeError(
                400,
                "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                f"Try using a key other than '{slot[1]}' if you meant to execute a different request.",
                type="idempotency_error",
            )
        return saved[1], json.loads(saved[2])

    def _idempotent_store(
        self, slot: tuple[str, str], fingerprint: tuple[str, str, str], status: int, payload: JSON
    ) -> None:
        """Keep successful results; like Stripe, a request that failed before executing may be retried."""
        with self._lock:
            if 200 <= status < 300:
                self._idempotency[slot] = (fingerprint, status, json.dumps(payload).encode())
            else:
                del self._idempotency[slot]

    # -------------------------------------------------------- hosted checkout
    def handle_page(self, method: str, path: str, body: str) -> tuple[int, str, dict[str, str]]:
        m = re.fullmatch(r"/pay/(?P<id>[^/]+)(?P<cancel>/cancel)?", path)
        with self.engine.lock:
            session = self.engine.objects.get(m["id"]) if m else None
            if m is None or session is None or session.get("object") != "checkout.session":
                return 404, hosted_page.message_page("Not found", "Something went wrong: unknown session."), {}
            session = copy.deepcopy(session)
            lines = copy.deepcopy(self.engine.session_lines[session["id"]])
        if m["cancel"]:
            if not session["cancel_url"]:
                return 404, hosted_page.message_page("No cancel URL", "This session has no cancel_url."), {}
            return 303, "", {"Location": session["cancel_url"]}
        if session["status"] != "open":
            text = "Thanks for your payment." if session["status"] == "complete" else "This session has expired."
            return 200, hosted_page.message_page("Checkout session " + session["status"], text), {}
        if method == "GET":
            return 200, hosted_page.checkout_page(session, lines), {}
        form = {k: v[0] for k, v in parse_qs(body).items()}
        outcome = self.engine.pay(
            session["id"], form.get("cardNumber", ""), form.get("billingName", ""), form.get("email", ""),
            form.get("cardExpiry", ""), form.get("cardCvc", ""),
        )  # fmt: skip
        if outcome.error:
            page = hosted_page.checkout_page(session, lines, outcome.error, form)
            return (402 if outcome.declined else 400), page, {}
        if outcome.redirect:
            return 303, "", {"Location": outcome.redirect}
        return 200, hosted_page.message_page("Payment complete", "Thanks for your payment."), {}

    # ---------------------------------------------------------- control (HTTP)
    def handle_control(self, path: str, params: JSON) -> JSON:
        """``POST /_fake/<action>[/<id>]``: the Python controls for out-of-process callers."""
        action, _, ident = path.removeprefix("/_fake/").partition("/")
        if action == "reset":
            self.reset()
            return {"ok": True}
        if action == "webhook_endpoints":
            ep = self.add_webhook_endpoint(str(params["url"]), params.get("secret"))
            return {"id": ep.id, "url": ep.url, "secret": ep.secret}
        if action == "pay":
            o = self.pay(ident, **{k: str(v) for k, v in params.items() if k in ("card", "name", "email")})
            return {"session": o.session, "error": o.error, "redirect": o.redirect}
        if action == "events":
            return list_object(self.events, "/_fake/events")
        actions: dict[str, Callable[[], Any]] = {
            "renew": lambda: self.renew(ident, decline=bool(as_bool(params, "decline", False))),
            "refund": lambda: self.refund(ident, as_int(params, "amount")),
            "dispute": lambda: self.dispute(ident, str(params.get("reason", "fraudulent"))),
            "close_dispute": lambda: self.close_dispute(ident, bool(as_bool(params, "won", True))),
            "expire": lambda: self.expire(ident),
            "delay": lambda: self.set_delay(float(params.get("seconds", 0))),
            "fail_next": lambda: self.fail_next(as_int(params, "n") or 1),
        }
        if action not in actions:
            raise StripeError(404, f"Unknown control action: {action}")
        return {"result": actions[action]()}


class _Handler(BaseHTTPRequestHandler):
    """Routes to the owning ``StripeFake``; writes the response, then releases webhooks.

    The caller may read the response before the release: ``_answering`` is counted before
    the response is written and ``_answered`` after the release, so ``deliver_pending``
    and ``wait_for_deliveries`` can wait for the events of every call already answered.
    """

    fake: StripeFake
    protocol_version = "HTTP/1.1"
    server_version = "stripe-fake"
    timeout = 30  # idle keep-alive connections close on their own

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def log_message(self, format: str, *args: Any) -> None:  # tests stay quiet
        pass

    def _serve(self, method: str) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8") if length else ""
        self.fake._answering()
        try:
            if parts.path.startswith("/v1/"):
                status, payload, headers = self.fake.handle_api(method, parts.path, parts.query, body, self.headers)
                self._send(status, json.dumps(payload, indent=2).encode(), "application/json", headers)
            elif parts.path.startswith("/pay/"):
                status, html, headers = self.fake.handle_page(method, parts.path, body)
                self._send(status, html.encode(), "text/html; charset=utf-8", headers)
            elif parts.path.startswith("/_fake/") and method == "POST":
                payload = self.fake.handle_control(parts.path, parse_form(body))
                self._send(200, json.dumps(payload, default=repr).encode(), "application/json", {})
            else:
                self._send(
                    404, b'{"error": {"type": "invalid_request_error", "message": "Not found"}}', "application/json", {}
                )
        except StripeError as exc:
            self._send(exc.status, json.dumps(exc.body()).encode(), "application/json", {})
        except Exception as exc:  # a bug in the fake must look like Stripe's 500, not hang the SDK
            error = StripeError(500, f"stripe_fake internal error: {type(exc).__name__}: {exc}", type="api_error")
            self._send(500, json.dumps(error.body()).encode(), "application/json", {})
        finally:
            self.fake._answered()

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except OSError:  # the client gave up (a timeout test): nothing left to answer
            self.close_connection = True
