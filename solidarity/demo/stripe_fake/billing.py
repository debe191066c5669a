"""Subscriptions, refunds and disputes: what happens to money after Checkout.

Kept apart from Checkout (``engine.py``) only to keep modules short; the rules
follow Stripe's documented behaviour for the calls the app makes (cancel at
period end, price changes via ``items``, partial refunds, dispute fees).
"""

from __future__ import annotations

import copy

from . import objects as o
from .state import State
from .wire import JSON, StripeError, as_bool, as_int, as_str, check_known, metadata


class Billing(State):
    """Subscription lifecycle, refunds and disputes on top of ``State``."""

    # ---------------------------------------------------------- subscriptions
    def renew(self, sub_id: str, decline: bool = False) -> JSON | None:
        """Bill the next period (``invoice.paid``), or end a subscription set to cancel."""
        with self.lock:
            sub = self.get("subscription", sub_id)
            if sub["status"] not in ("active", "past_due"):
                raise StripeError(400, f"Subscription {sub_id} is {sub['status']}; it cannot renew.")
            item = sub["items"]["data"][0]
            if sub["cancel_at_period_end"]:
                self._end(sub, "cancellation_requested", item["current_period_end"])
                return None
            recurring = item["price"]["recurring"]
            cycle = self.sub_cycles[sub_id] + 1
            self.sub_cycles[sub_id] = cycle
            start = item["current_period_end"]
            end = o.add_interval(sub["billing_cycle_anchor"], recurring["interval"], recurring["interval_count"], cycle)
            item.update(current_period_start=start, current_period_end=end)
            cus, pm = self.objects[sub["customer"]], self.objects[sub["default_payment_method"]]
            amount = item["price"]["unit_amount"] * item["quantity"]
            pi = self._put(o.payment_intent(amount, sub["currency"], {}, cus["id"]))
            pi["description"] = "Subscription update"
            failure = "generic_decline" if decline else None
            inv, ch = self._invoice(sub, cus, pi, pm, "subscription_cycle", (start, end), failure)
            if decline:
                previous = {"status": sub["status"]}
                sub["status"] = "past_due"
                self.emit("invoice.payment_failed", inv)
                self.emit("customer.subscription.updated", sub, previous)
            else:
                sub["status"] = "active"
                self.emit("invoice.paid", inv)
                self._paid_invoice_events(inv, pi, ch)
            return inv

    def _end(self, sub: JSON, reason: str, at: int | None = None) -> None:
        ts = at or o.now()
        sub.update(status="canceled", ended_at=ts, canceled_at=sub["canceled_at"] or ts, cancel_at=None)
        sub["cancellation_details"]["reason"] = reason
        self.emit("customer.subscription.deleted", sub)

    def update_subscription(self, sub_id: str, params: JSON) -> JSON:
        from stripe.params import SubscriptionModifyParams

        check_known(params, SubscriptionModifyParams)
        unsupported = set(params) - {"cancel_at_period_end", "metadata", "items", "proration_behavior"}
        unsupported -= {"cancellation_details", "description", "expand"}
        if unsupported:
            raise StripeError(400, f"stripe_fake does not implement {sorted(unsupported)} on subscriptions.")
        with self.lock:
            sub = self.get("subscription", sub_id)
            before = copy.deepcopy(sub)
            if sub["status"] == "canceled" and set(params) - {"metadata", "cancellation_details", "expand"}:
                raise StripeError(400, "A canceled subscription can only update its cancellation_details and metadata.")
            if "metadata" in params:
                sub["metadata"] = {**sub["metadata"], **metadata(params)}
                for key, value in (params["metadata"] or {}).items():
                    if value == "":
                        sub["metadata"].pop(key, None)
            if isinstance(params.get("cancellation_details"), dict):
                for key in ("comment", "feedback"):
                    if key in params["cancellation_details"]:
                        sub["cancellation_details"][key] = params["cancellation_details"][key] or None
            if "description" in params:
                sub["description"] = params["description"] or None
            cancel = as_bool(params, "cancel_at_period_end")
            if cancel is not None:
                end = sub["items"]["data"][0]["current_period_end"]
                sub.update(cancel_at_period_end=cancel, cancel_at=end if cancel else None)
                sub["canceled_at"] = o.now() if cancel else None
            for index, change in enumerate(params.get("items") or []):
                self._change_item(sub, index, change)
            previous = {k: before[k] for k in sub if sub[k] != before[k]}
            if previous:
                self.emit("customer.subscription.updated", sub, previous)
            return sub

    def _change_item(self, sub: JSON, index: int, change: JSON) -> None:
        where = f"items[{index}]"
        item = sub["items"]["data"][0]
        if change.get("id") != item["id"] or as_bool(change, "deleted"):
            raise StripeError(400, "stripe_fake only updates the existing item (pass its id).", param=f"{where}[id]")
        if "price" in change:
            item["price"] = copy.deepcopy(self.get("price", str(change["price"]), f"{where}[price]"))
        elif isinstance(change.get("price_data"), dict):
            pd, pdw = change["price_data"], f"{where}[price_data]"
            prod = self.get("product", str(as_str(pd, "product", f"{pdw}[product]", required=True)), f"{pdw}[product]")
            currency = str(as_str(pd, "currency", f"{pdw}[currency]", required=True)).lower()
            if currency != sub["currency"]:
                raise StripeError(400, "Currency of the new price must match the subscription's.", param=pdw)
            unit = as_int(pd, "unit_amount", f"{pdw}[unit_amount]", required=True) or 0
            rec = pd.get("recurring") or {}
            recurring = {"interval": rec.get("interval"), "interval_count": int(rec.get("interval_count", 1))}
            if recurring["interval"] not in ("day", "week", "month", "year"):
                raise StripeError(400, "Missing or invalid recurring[interval].", param=f"{pdw}[recurring][interval]")
            item["price"] = copy.deepcopy(self._put(o.price(prod["id"], currency, unit, recurring)))
        quantity = as_int(change, "quantity", f"{where}[quantity]")
        if quantity is not None:
            item["quantity"] = quantity
        if "metadata" in change:
            item["metadata"] = metadata(change, param=f"{where}[metadata]")

    def cancel_subscription(self, sub_id: str, params: JSON) -> JSON:
        from stripe.params import SubscriptionCancelParams

        check_known(params, SubscriptionCancelParams)
        with self.lock:
            sub = self.get("subscription", sub_id)
            if sub["status"] == "canceled":
                raise StripeError(400, f"The subscription {sub_id} has already been canceled.", param="subscription")
            if isinstance(params.get("cancellation_details"), dict):
                for key in ("comment", "feedback"):
                    sub["cancellation_details"][key] = params["cancellation_details"].get(key) or None
            sub["canceled_at"] = o.now()
            self._end(sub, "cancellation_requested")
            return sub

    # ------------------------------------------------------ refunds, disputes
    def refund(self, params: JSON) -> JSON:
        from stripe.params import RefundCreateParams

        check_known(params, RefundCreateParams)
        extra = set(params) - {"charge", "payment_intent", "amount", "reason", "metadata", "expand"}
        if extra:
            raise StripeError(400, f"stripe_fake does not implement {sorted(extra)} on refunds.")
        with self.lock:
            if params.get("payment_intent"):
                pi = self.get("payment_intent", str(params["payment_intent"]), "payment_intent")
                if pi["status"] != "succeeded":
                    raise StripeError(
                        400,
                        f"This PaymentIntent ({pi['id']}) does not have a successful charge to refund.",
                        param="payment_intent",
                    )
                ch = self.objects[pi["latest_charge"]]
            elif params.get("charge"):
                ch = self.get("charge", str(params["charge"]), "charge")
            else:
                raise StripeError(
                    400,
                    "One of the following params should be provided for this request: payment_intent or charge.",
                    code="parameter_missing",
                )
            remaining = ch["amount"] - ch["amount_refunded"]
            amount = as_int(params, "amount")
            amount = remaining if amount is None else amount
            reason = as_str(params, "reason")
            if reason not in (None, "duplicate", "fraudulent", "requested_by_customer"):
                raise StripeError(400, f"Invalid reason: {reason}", param="reason")
            if ch["status"] != "succeeded":
                raise StripeError(400, f"Charge {ch['id']} has not succeeded; it cannot be refunded.", param="charge")
            if ch["disputed"]:
                raise StripeError(
                    400, f"Charge {ch['id']} has been charged back; cannot issue a refund.", code="charge_disputed"
                )
            if remaining == 0:
                raise StripeError(400, f"Charge {ch['id']} has already been refunded.", code="charge_already_refunded")
            if not 0 < amount <= remaining:
                raise StripeError(
                    400,
                    f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining}).",
                    code="amount_too_large",
                    param="amount",
                )
            re = o.refund(ch, amount, "", reason, metadata(params))
            txn = o.balance_transaction(-amount, ch["currency"], re["id"], "refund", "refund", 0, "REFUND FOR CHARGE")
            re["balance_transaction"] = self._put(txn)["id"]
            self._put(re)
            previous = {"amount_refunded": ch["amount_refunded"], "refunded": ch["refunded"]}
            ch["amount_refunded"] += amount
            ch["refunded"] = ch["amount_refunded"] == ch["amount"]
            self.emit("charge.refunded", ch, previous)
            self.emit("refund.created", re)
            return re

    def dispute(self, charge_id: str, reason: str = "fraudulent") -> JSON:
        with self.lock:
            ch = self.get("charge", charge_id, "charge")
            if ch["status"] != "succeeded" or ch["disputed"]:
                raise StripeError(400, f"Charge {charge_id} cannot be disputed (failed or already disputed).")
            dp = self._put(o.dispute(ch, reason))
            txn = o.balance_transaction(
                -dp["amount"], dp["currency"], dp["id"], "adjustment", "dispute", self.dispute_fee,
                f"Chargeback withdrawal for {ch['id']}",
            )  # fmt: skip
            dp["balance_transactions"].append(self._put(txn))
            ch["disputed"] = True
            self.emit("charge.dispute.created", dp)
            self.emit("charge.dispute.funds_withdrawn", dp)
            return dp

    def close_dispute(self, dispute_id: str, won: bool) -> JSON:
        with self.lock:
            dp = self.get("dispute", dispute_id, "dispute")
            if dp["status"] in ("won", "lost"):
                raise StripeError(400, f"Dispute {dispute_id} is already closed ({dp['status']}).")
            dp["status"] = "won" if won else "lost"
            if won:
                txn = o.balance_transaction(
                    dp["amount"], dp["currency"], dp["id"], "adjustment", "dispute_reversal", -self.dispute_fee,
                    f"Chargeback reversal for {dp['charge']}",
                )  # fmt: skip
                dp["balance_transactions"].append(self._put(txn))
            self.emit("charge.dispute.closed", dp)
            if won:
                self.emit("charge.dispute.funds_reinstated", dp)
            return dp
