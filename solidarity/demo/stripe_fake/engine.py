"""Checkout Sessions and the hosted payment: the entry point of every payment.

``Engine`` is the whole fake account (``State`` + ``Billing`` + this module's
Checkout rules); the HTTP server only parses, authenticates and routes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from . import objects as o
from .billing import Billing
from .wire import JSON, StripeError, as_int, as_str, check_known, metadata


@dataclass
class PayOutcome:
    """What the hosted page needs to know after a payment attempt."""

    session: JSON
    error: str | None = None
    redirect: str | None = None
    declined: bool = False  # the card was refused (a failed charge exists), not just mistyped


class Engine(Billing):
    """The fake Stripe account the server exposes."""

    # ------------------------------------------------------- checkout sessions
    def create_session(self, params: JSON, base_url: str) -> JSON:
        from stripe.params.checkout import SessionCreateParams

        check_known(params, SessionCreateParams)
        mode = as_str(params, "mode", required=True)
        if mode not in ("payment", "subscription"):
            raise StripeError(400, "stripe_fake implements only `payment` and `subscription` mode.", param="mode")
        for key, allowed in (("payment_intent_data", "payment"), ("subscription_data", "subscription")):
            if key in params and mode != allowed:
                raise StripeError(400, f"You can not pass `{key}` in `{mode}` mode.", param=key)
        items = params.get("line_items")
        if not isinstance(items, list) or not items:
            raise StripeError(400, "Missing required param: line_items.", code="parameter_missing", param="line_items")
        lines = [self._line_item(i, item, mode) for i, item in enumerate(items)]
        currencies = {line["currency"] for line in lines}
        if len(currencies) > 1:
            raise StripeError(400, "All prices on a Checkout Session must use the same currency.", param="line_items")
        if mode == "subscription" and len(lines) > 1:
            raise StripeError(400, "stripe_fake supports one line item in subscription mode.", param="line_items")
        currency = currencies.pop()
        amount = sum(line["amount_total"] for line in lines)
        minimum = o.MINIMUM_AMOUNT.get(currency, 50)
        if amount < minimum:
            raise StripeError(
                400,
                f"The Checkout Session's total amount due must add up to at least {minimum} {currency} (minor units).",
                code="amount_too_small",
                param="line_items[0][price_data][unit_amount]",
            )
        created = o.now()
        expires_at = as_int(params, "expires_at") or created + 86400
        if not created + 1800 <= expires_at <= created + 86400:
            raise StripeError(
                400,
                "The `expires_at` timestamp must be between 30 minutes and 24 hours after Checkout Session creation.",
                param="expires_at",
            )
        submit_type = as_str(params, "submit_type")
        if submit_type not in (None, "auto", "book", "donate", "pay", "subscribe"):
            raise StripeError(400, f"Invalid submit_type: {submit_type}", param="submit_type")
        success_url = as_str(params, "success_url")
        for key in ("success_url", "cancel_url"):
            url = as_str(params, key)
            if url is not None and not url.startswith(("http://", "https://")):
                raise StripeError(400, "Not a valid URL", code="url_invalid", param=key)
        pi_meta = metadata(_dict(params, "payment_intent_data"), param="payment_intent_data[metadata]")
        sub_meta = metadata(_dict(params, "subscription_data"), param="subscription_data[metadata]")
        clean = dict(params, mode=mode, metadata=metadata(params), success_url=success_url)
        session = o.checkout_session(clean, amount, currency, "", expires_at)
        session["url"] = f"{base_url}/pay/{session['id']}"
        with self.lock:
            self._put(session)
            self.session_lines[session["id"]] = lines
            self.session_meta[session["id"]] = (pi_meta, sub_meta)
            return session

    def _line_item(self, index: int, item: Any, mode: str) -> JSON:
        where = f"line_items[{index}]"
        if not isinstance(item, dict):
            raise StripeError(400, "Invalid object", param=where)
        quantity = as_int(item, "quantity", f"{where}[quantity]", required=True) or 0
        if quantity < 1:
            raise StripeError(400, "Quantity must be at least 1.", param=f"{where}[quantity]")
        if "price" in item:
            pr = self.get("price", str(item["price"]), f"{where}[price]")
        else:
            pd = item.get("price_data")
            if not isinstance(pd, dict):
                raise StripeError(400, f"Missing required param: {where}[price_data].", code="parameter_missing")
            pdw = f"{where}[price_data]"
            currency = (as_str(pd, "currency", f"{pdw}[currency]", required=True) or "").lower()
            if len(currency) != 3 or not currency.isalpha():
                raise StripeError(400, f"Invalid currency: {currency}.", param=f"{pdw}[currency]")
            unit_amount = as_int(pd, "unit_amount", f"{pdw}[unit_amount]", required=True) or 0
            if unit_amount < 0:
                raise StripeError(400, "This value must be greater than or equal to 0.", param=f"{pdw}[unit_amount]")
            if "product" in pd:
                prod = self.get("product", str(pd["product"]), f"{pdw}[product]")
            else:
                name = as_str(pd.get("product_data") or {}, "name", f"{pdw}[product_data][name]", required=True)
                prod = self._put(o.product(str(name)))
            recurring = pd.get("recurring")
            if isinstance(recurring, dict):
                interval = recurring.get("interval")
                if interval not in ("day", "week", "month", "year"):
                    raise StripeError(400, f"Invalid interval: {interval}", param=f"{pdw}[recurring][interval]")
                count = as_int(recurring, "interval_count", f"{pdw}[recurring][interval_count]") or 1
                recurring = {"interval": interval, "interval_count": count}
            pr = self._put(o.price(prod["id"], currency, unit_amount, recurring))
        if mode == "payment" and pr["recurring"]:
            raise StripeError(
                400,
                "You specified `payment` mode but passed a recurring price. Either switch to `subscription` mode "
                "or use only one-time prices.",
                param="mode",
            )
        if mode == "subscription" and not pr["recurring"]:
            raise StripeError(
                400, "You must provide at least one recurring price in `subscription` mode when using prices."
            )
        total = pr["unit_amount"] * quantity
        name = self.objects[pr["product"]]["name"]
        return {
            "id": o.new_id("li"),
            "object": "item",
            "amount_discount": 0,
            "amount_subtotal": total,
            "amount_tax": 0,
            "amount_total": total,
            "currency": pr["currency"],
            "description": name,
            "price": pr,
            "quantity": quantity,
        }

    def expire_session(self, ident: str) -> JSON:
        with self.lock:
            cs = self.get("checkout.session", ident, "session")
            if cs["status"] != "open":
                raise StripeError(400, 'Only Checkout Sessions with a status in ["open"] can be expired.')
            cs.update(status="expired", url=None)
            self.emit("checkout.session.expired", cs)
            return cs

    # ----------------------------------------------------------------- paying
    def pay(self, ident: str, card: str, name: str, email: str, expiry: str = "12/34", cvc: str = "123") -> PayOutcome:
        """One attempt on the hosted page; returns an error message instead of raising."""
        with self.lock:
            cs = self.get("checkout.session", ident, "session")
            if cs["status"] != "open":
                return PayOutcome(cs, "This Checkout Session is no longer active.")
            card = "".join(card.split())
            error = _form_error(card, name, email, expiry, cvc)
            if error:
                return PayOutcome(cs, error)
            month, year = (int(x) for x in expiry.replace(" ", "").split("/"))
            pm = self._put(o.payment_method(card, name.strip(), email.strip(), month, 2000 + year % 100, None))
            amount = cs["amount_total"]
            pi_id = self.session_pi.get(ident)
            if pi_id is None:
                meta = self.session_meta[ident][0] if cs["mode"] == "payment" else {}
                pi = self._put(o.payment_intent(amount, cs["currency"], dict(meta), None))
                self.session_pi[ident] = pi["id"]
            else:
                pi = self.objects[pi_id]
            decline = o.CARDS[card][1]
            if cs["mode"] == "payment":
                cs["payment_intent"] = pi["id"]
            if decline:
                self._decline(pi, pm, decline)
                return PayOutcome(cs, o.DECLINE_MESSAGES[decline][1], declined=True)
            cs["customer_details"] = o.customer_details(name.strip(), email.strip())
            cs.update(status="complete", payment_status="paid", url=None)
            if cs["mode"] == "payment":
                ch = self._succeed(pi, pm)
                self.emit("checkout.session.completed", cs)
                self.emit("payment_intent.succeeded", pi)
                self.emit("charge.succeeded", ch)
            else:
                self._start_subscription(cs, pi, pm)
            url = cs["success_url"]
            return PayOutcome(cs, None, url.replace("{CHECKOUT_SESSION_ID}", cs["id"]) if url else None)

    def _start_subscription(self, cs: JSON, pi: JSON, pm: JSON) -> None:
        details = cs["customer_details"]
        cus = self._put(o.customer(details["name"], details["email"]))
        pm["customer"] = pi["customer"] = cus["id"]
        line = self.session_lines[cs["id"]][0]
        pr = line["price"]
        start = o.now()
        end = o.add_interval(start, pr["recurring"]["interval"], pr["recurring"]["interval_count"], 1)
        sub_meta = dict(self.session_meta[cs["id"]][1])
        sub = self._put(o.subscription(cus, pr, line["quantity"], sub_meta, pm["id"], start, end))
        self.sub_cycles[sub["id"]] = 1
        pi["description"] = "Subscription creation"
        inv, ch = self._invoice(sub, cus, pi, pm, "subscription_create", (start, end))
        cs.update(customer=cus["id"], subscription=sub["id"], invoice=inv["id"])
        self.emit("checkout.session.completed", cs)
        self.emit("invoice.paid", inv)
        self.emit("customer.subscription.created", sub)
        self._paid_invoice_events(inv, pi, ch)


def _form_error(card: str, name: str, email: str, expiry: str, cvc: str) -> str | None:
    """The hosted page's field validation, worded like Stripe Checkout's messages."""
    if card not in o.CARDS:
        return "Your card number is invalid. Use a Stripe test card such as 4242 4242 4242 4242."
    parts = expiry.replace(" ", "").split("/")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[0]) <= 12:
        return "Your card's expiration date is incomplete."
    year, month = 2000 + int(parts[1]) % 100, int(parts[0])
    now = time.gmtime()
    if (year, month) < (now.tm_year, now.tm_mon):
        return "Your card's expiration year is in the past."
    if not (cvc.isdigit() and len(cvc) in (3, 4)):
        return "Your card's security code is incomplete."
    if not name.strip():
        return "Your name is incomplete."
    if "@" not in email or "." not in email.split("@")[-1]:
        return "Your email is incomplete."
    return None


def _dict(params: JSON, key: str) -> JSON:
    value = params.get(key) or {}
    if not isinstance(value, dict):
        raise StripeError(400, "Invalid object", param=key)
    return value
