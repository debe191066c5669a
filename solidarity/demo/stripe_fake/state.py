"""The fake's in-memory Stripe account: objects by id, events, and shared money movement.

Every operation runs under one lock and records the events it causes in an
outbox; the server hands the outbox to the webhook dispatcher only after the
HTTP response has been written, so a webhook never overtakes the response that
caused it (and a single-threaded app is never asked to answer a webhook while
it still waits for its own API call).
"""

from __future__ import annotations

import copy
import threading

from . import objects as o
from .wire import JSON, StripeError, as_int, missing


class State:
    """Objects, events and the helpers every operation uses; no HTTP here."""

    def __init__(self, api_version: str, dispute_fee: int = 1500) -> None:
        self.lock = threading.RLock()
        self.api_version = api_version
        self.dispute_fee = dispute_fee
        self.endpoint_count = 0
        self.request = threading.local()
        self.reset()

    def reset(self) -> None:
        with self.lock:
            self.objects: dict[str, JSON] = {}
            self.events: list[JSON] = []
            self.outbox: list[JSON] = []
            self.session_lines: dict[str, list[JSON]] = {}
            self.session_pi: dict[str, str] = {}
            self.session_meta: dict[str, tuple[dict[str, str], dict[str, str]]] = {}
            self.invoice_payments: dict[str, JSON] = {}
            self.sub_cycles: dict[str, int] = {}

    # ------------------------------------------------------------------ helpers
    @property
    def legacy(self) -> bool:
        return o.is_legacy(self.api_version)

    def _put(self, obj: JSON) -> JSON:
        self.objects[obj["id"]] = obj
        return obj

    def get(self, kind: str, ident: str, param: str = "id") -> JSON:
        obj = self.objects.get(ident)
        if obj is None or obj.get("object") != kind:
            raise missing(kind.split(".")[-1].replace("_", " "), ident, param)
        return obj

    def emit(self, kind: str, obj: JSON, previous: JSON | None = None) -> None:
        req = getattr(self.request, "info", None) or {"id": None, "idempotency_key": None}
        evt = o.event(kind, copy.deepcopy(obj), self.api_version, previous, dict(req), self.endpoint_count)
        self.events.append(evt)
        self.objects[evt["id"]] = evt
        self.outbox.append(evt)

    def take_outbox(self) -> list[JSON]:
        with self.lock:
            out, self.outbox = self.outbox, []
            return out

    def render(self, obj: JSON, expand: list[str] | None = None) -> JSON:
        """A copy of ``obj`` with ``expand[]`` paths replaced by the objects they name."""
        out = copy.deepcopy(obj)
        for path in expand or []:
            self._expand(out, path.split("."))
        return out

    def _expand(self, node: JSON, parts: list[str]) -> None:
        """Expand one dotted path; ``data`` walks a list, ``payments``/``line_items`` are includable fields."""
        head, rest = parts[0], parts[1:]
        if head == "data" and node.get("object") == "list":
            for item in node["data"]:
                if rest and isinstance(item, dict):
                    self._expand(item, rest)
            return
        if head == "payments" and node.get("object") == "invoice":
            pays = [p for p in self.invoice_payments.values() if p["invoice"] == node["id"]]
            node["payments"] = o.list_object(copy.deepcopy(pays), f"/v1/invoice_payments?invoice={node['id']}")
        elif head == "line_items" and node.get("object") == "checkout.session":
            lines = copy.deepcopy(self.session_lines.get(node["id"], []))
            node["line_items"] = o.list_object(lines, f"/v1/checkout/sessions/{node['id']}/line_items")
        elif isinstance(node.get(head), str) and node[head] in self.objects:
            node[head] = copy.deepcopy(self.objects[node[head]])
        value = node.get(head)
        if isinstance(value, dict) and rest:
            self._expand(value, rest)
        elif not isinstance(value, dict | None):
            raise StripeError(400, f"This property cannot be expanded ({'.'.join(parts)}).", param="expand")

    # ------------------------------------------------------ money movement
    def _decline(self, pi: JSON, pm: JSON, decline: str) -> JSON:
        ch = self._put(o.charge(pi, pm, decline))
        code, message = o.DECLINE_MESSAGES[decline]
        pi.update(status="requires_payment_method", latest_charge=ch["id"], payment_method=None)
        pi["last_payment_error"] = {
            "charge": ch["id"],
            "code": code,
            "decline_code": decline,
            "doc_url": f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
            "message": message,
            "payment_method": pm,
            "type": "card_error",
        }
        self.emit("charge.failed", ch)
        self.emit("payment_intent.payment_failed", pi)
        return ch

    def _succeed(self, pi: JSON, pm: JSON) -> JSON:
        ch = self._put(o.charge(pi, pm, None))
        fee = o.stripe_fee(ch["amount"])
        txn = self._put(o.balance_transaction(ch["amount"], ch["currency"], ch["id"], "charge", "charge", fee))
        ch["balance_transaction"] = txn["id"]
        pi.update(
            status="succeeded",
            amount_received=pi["amount"],
            latest_charge=ch["id"],
            payment_method=pm["id"],
            last_payment_error=None,
        )
        return ch

    def _invoice(
        self, sub: JSON, cus: JSON, pi: JSON, pm: JSON, reason: str, period: tuple[int, int], decline: str | None = None
    ) -> tuple[JSON, JSON]:
        number = 1 + sum(1 for x in self.objects.values() if x["object"] == "invoice" and x["customer"] == cus["id"])
        inv = self._put(o.invoice(sub, cus, reason, number, period))
        ch = self._decline(pi, pm, decline) if decline else self._succeed(pi, pm)
        ch["description"] = pi["description"]
        sub["latest_invoice"] = inv["id"]
        if self.legacy:
            sub.update(current_period_start=period[0], current_period_end=period[1])
            inv.update(subscription=sub["id"], charge=ch["id"], payment_intent=pi["id"], paid=not decline)
            inv["subscription_details"] = {"metadata": dict(sub["metadata"])}
            ch["invoice"] = pi["invoice"] = inv["id"]
        if decline:
            inv.update(amount_paid=0, amount_remaining=inv["amount_due"], status="open")
            inv["status_transitions"]["paid_at"] = None
        else:
            pay = o.invoice_payment(inv, pi["id"])
            self.invoice_payments[pay["id"]] = pay
        return inv, ch

    def _paid_invoice_events(self, inv: JSON, pi: JSON, ch: JSON) -> None:
        self.emit("invoice.payment_succeeded", inv)
        pay = next(p for p in self.invoice_payments.values() if p["invoice"] == inv["id"])
        self.emit("invoice_payment.paid", pay)
        self.emit("payment_intent.succeeded", pi)
        self.emit("charge.succeeded", ch)

    # ------------------------------------------------------------------ lists
    def list_events(self, params: JSON) -> JSON:
        with self.lock:
            kind = params.get("type")
            found = [e for e in reversed(self.events) if kind in (None, e["type"])]
            limit = as_int(params, "limit") or 10
            out = o.list_object(copy.deepcopy(found[:limit]), "/v1/events")
            out["has_more"] = len(found) > limit
            return out

    def list_invoice_payments(self, params: JSON) -> JSON:
        with self.lock:
            inv = params.get("invoice")
            found = [p for p in self.invoice_payments.values() if inv in (None, p["invoice"])]
            return o.list_object(copy.deepcopy(found), "/v1/invoice_payments")
