"""Builders for Stripe API objects, shaped like the API version the SDK pins.

Field names follow the object reference for the ``stripe`` SDK's pinned API
version (``stripe.api_version``, 2026-10-28.endive for SDK 16.1), checked
against the SDK's own typed resource classes.  Since 2025-03-31.basil Stripe
no longer puts ``subscription``, ``charge``, ``payment_intent`` or
``subscription_details`` at the top of an Invoice (they live under
``parent.subscription_details`` and in InvoicePayments), nor ``invoice`` on a
Charge/PaymentIntent, nor ``current_period_*`` on a Subscription (they are on
its items).  Those legacy fields are added only when the fake is told to speak
an older API version, so code written against the fake keeps working against
the real API.  Only fields an app plausibly reads are filled; the rest of
Stripe's (many) fields are omitted rather than guessed.
"""

from __future__ import annotations

import calendar
import secrets
import string
import time
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

LEGACY_BEFORE = "2025-03-31"  # API versions older than basil carry the legacy fields
_ALNUM = string.ascii_letters + string.digits

#: Minimum charge amounts in minor units (Stripe's documented table, the
#: currencies this project may use); others default to 50.
MINIMUM_AMOUNT = {"eur": 50, "usd": 50, "gbp": 30, "chf": 50, "pln": 200, "czk": 1500, "sek": 300, "uah": 50}

#: Test cards: number -> (brand, decline code or None).
CARDS: dict[str, tuple[str, str | None]] = {
    "4242424242424242": ("visa", None),
    "5555555555554444": ("mastercard", None),
    "4000000000000002": ("visa", "generic_decline"),
    "4000000000009995": ("visa", "insufficient_funds"),
    "4000000000000069": ("visa", "expired_card"),
}
DECLINE_MESSAGES = {
    "generic_decline": ("card_declined", "Your card was declined."),
    "insufficient_funds": ("card_declined", "Your card has insufficient funds."),
    "expired_card": ("expired_card", "Your card has expired."),
}


def now() -> int:
    return int(time.time())


def new_id(prefix: str, length: int = 24) -> str:
    return f"{prefix}_" + "".join(secrets.choice(_ALNUM) for _ in range(length))


def is_legacy(api_version: str) -> bool:
    return api_version[:10] < LEGACY_BEFORE


def stripe_fee(amount: int) -> int:
    """1.5 % + 25 minor units, the percentage rounded half up, integers only."""
    return (amount * 15 + 500) // 1000 + 25


def add_interval(anchor: int, interval: str, count: int, times: int) -> int:
    """``anchor`` moved by ``times`` billing intervals; months clamp the day like Stripe."""
    start = datetime.fromtimestamp(anchor, UTC)
    steps = count * times
    if interval == "day":
        return anchor + 86400 * steps
    if interval == "week":
        return anchor + 7 * 86400 * steps
    months = steps * (12 if interval == "year" else 1)
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return int(start.replace(year=year, month=month, day=day).timestamp())


def list_object(data: list[JSON], url: str) -> JSON:
    return {"object": "list", "data": data, "has_more": False, "url": url}


def product(name: str) -> JSON:
    ts = now()
    return {
        "id": new_id("prod", 14),
        "object": "product",
        "active": True,
        "created": ts,
        "updated": ts,
        "default_price": None,
        "description": None,
        "images": [],
        "livemode": False,
        "metadata": {},
        "name": name,
        "url": None,
    }


def price(product_id: str, currency: str, unit_amount: int, recurring: JSON | None) -> JSON:
    if recurring is not None:
        recurring = {
            "interval": recurring["interval"],
            "interval_count": recurring.get("interval_count", 1),
            "meter": None,
            "trial_period_days": None,
            "usage_type": "licensed",
        }
    return {
        "id": new_id("price"),
        "object": "price",
        "active": True,
        "billing_scheme": "per_unit",
        "created": now(),
        "currency": currency,
        "livemode": False,
        "lookup_key": None,
        "metadata": {},
        "nickname": None,
        "product": product_id,
        "recurring": recurring,
        "tax_behavior": "unspecified",
        "type": "recurring" if recurring else "one_time",
        "unit_amount": unit_amount,
        "unit_amount_decimal": str(unit_amount),
    }


def checkout_session(params: JSON, amount: int, currency: str, url: str, expires_at: int) -> JSON:
    return {
        "id": new_id("cs_test", 58),
        "object": "checkout.session",
        "amount_subtotal": amount,
        "amount_total": amount,
        "cancel_url": params.get("cancel_url"),
        "client_reference_id": params.get("client_reference_id"),
        "created": now(),
        "currency": currency,
        "customer": params.get("customer"),
        "customer_creation": "if_required" if params["mode"] == "payment" else None,
        "customer_details": None,
        "customer_email": params.get("customer_email"),
        "expires_at": expires_at,
        "invoice": None,
        "livemode": False,
        "locale": params.get("locale"),
        "metadata": params["metadata"],
        "mode": params["mode"],
        "payment_intent": None,  # created when the customer pays, as since 2022-08-01
        "payment_method_types": ["card"],
        "payment_status": "unpaid",
        "status": "open",
        "submit_type": params.get("submit_type"),
        "subscription": None,
        "success_url": params.get("success_url"),
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        "url": url,
    }


def customer_details(name: str, email: str) -> JSON:
    return {
        "address": None,
        "business_name": None,
        "email": email,
        "individual_name": None,
        "name": name,
        "phone": None,
        "tax_exempt": "none",
        "tax_ids": [],
    }


def billing_details(name: str, email: str) -> JSON:
    address = dict.fromkeys(("city", "country", "line1", "line2", "postal_code", "state"))
    return {"address": address, "email": email, "name": name, "phone": None, "tax_id": None}


def payment_method(card: str, name: str, email: str, exp_month: int, exp_year: int, customer: str | None) -> JSON:
    brand = CARDS.get(card, ("visa", None))[0]
    return {
        "id": new_id("pm"),
        "object": "payment_method",
        "billing_details": billing_details(name, email),
        "card": {
            "brand": brand,
            "country": "US",
            "exp_month": exp_month,
            "exp_year": exp_year,
            "fingerprint": secrets.token_hex(8),
            "funding": "credit",
            "last4": card[-4:],
        },
        "created": now(),
        "customer": customer,
        "livemode": False,
        "metadata": {},
        "type": "card",
    }


def payment_intent(amount: int, currency: str, metadata: dict[str, str], customer: str | None) -> JSON:
    pi_id = new_id("pi")
    return {
        "id": pi_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_capturable": 0,
        "amount_received": 0,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic_async",
        "client_secret": f"{pi_id}_secret_{secrets.token_hex(12)}",
        "confirmation_method": "automatic",
        "created": now(),
        "currency": currency,
        "customer": customer,
        "description": None,
        "last_payment_error": None,
        "latest_charge": None,
        "livemode": False,
        "metadata": metadata,
        "next_action": None,
        "payment_method": None,
        "payment_method_types": ["card"],
        "receipt_email": None,
        "status": "requires_payment_method",
    }


def charge(pi: JSON, pm: JSON, decline: str | None) -> JSON:
    failure_code, failure_message = DECLINE_MESSAGES[decline] if decline else (None, None)
    card = pm["card"]
    return {
        "id": new_id("ch"),
        "object": "charge",
        "amount": pi["amount"],
        "amount_captured": 0 if decline else pi["amount"],
        "amount_refunded": 0,
        "balance_transaction": None,
        "billing_details": pm["billing_details"],
        "calculated_statement_descriptor": "SOLIDARITY",
        "captured": not decline,
        "created": now(),
        "currency": pi["currency"],
        "customer": pi["customer"],
        "description": pi["description"],
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": failure_code,
        "failure_message": failure_message,
        "livemode": False,
        "metadata": dict(pi["metadata"]),  # a PaymentIntent's charges inherit its metadata
        "outcome": {
            "network_status": "declined_by_network" if decline else "approved_by_network",
            "reason": decline,
            "risk_level": "normal",
            "seller_message": "The bank did not return any further details with this decline."
            if decline
            else "Payment complete.",
            "type": "issuer_declined" if decline else "authorized",
        },
        "paid": not decline,
        "payment_intent": pi["id"],
        "payment_method": pm["id"],
        "payment_method_details": {
            "type": "card",
            "card": {
                "brand": card["brand"],
                "country": card["country"],
                "exp_month": card["exp_month"],
                "exp_year": card["exp_year"],
                "funding": card["funding"],
                "last4": card["last4"],
                "network": card["brand"],
            },
        },
        "receipt_email": None,
        "receipt_url": None,
        "refunded": False,
        "status": "failed" if decline else "succeeded",
    }


def balance_transaction(
    amount: int, currency: str, source: str, kind: str, category: str, fee: int, description: str | None = None
) -> JSON:
    created = now()
    fee_details = []
    if fee:
        fee_details.append(
            {
                "amount": fee,
                "application": None,
                "currency": currency,
                "description": "Stripe processing fees" if kind == "charge" else "Dispute fee",
                "type": "stripe_fee",
            }
        )
    return {
        "id": new_id("txn"),
        "object": "balance_transaction",
        "amount": amount,
        "available_on": created + 2 * 86400,
        "balance_type": "payments",
        "created": created,
        "currency": currency,
        "description": description,
        "exchange_rate": None,
        "fee": fee,
        "fee_details": fee_details,
        "net": amount - fee,
        "reporting_category": category,
        "source": source,
        "status": "pending",
        "type": kind,
    }


def refund(ch: JSON, amount: int, txn_id: str, reason: str | None, meta: dict[str, str]) -> JSON:
    return {
        "id": new_id("re"),
        "object": "refund",
        "amount": amount,
        "balance_transaction": txn_id,
        "charge": ch["id"],
        "created": now(),
        "currency": ch["currency"],
        "destination_details": {"type": "card", "card": {"type": "refund", "reference_status": "pending"}},
        "metadata": meta,
        "payment_intent": ch["payment_intent"],
        "reason": reason,
        "receipt_number": None,
        "status": "succeeded",
    }


def dispute(ch: JSON, reason: str) -> JSON:
    created = now()
    return {
        "id": new_id("dp"),
        "object": "dispute",
        "amount": ch["amount"] - ch["amount_refunded"],
        "balance_transactions": [],
        "charge": ch["id"],
        "created": created,
        "currency": ch["currency"],
        "enhanced_eligibility_types": [],
        "evidence": dict.fromkeys(
            ("customer_email_address", "customer_name", "product_description", "receipt", "uncategorized_text")
        ),
        "evidence_details": {
            "due_by": created + 7 * 86400,
            "has_evidence": False,
            "past_due": False,
            "submission_count": 0,
        },
        "is_charge_refundable": False,
        "livemode": False,
        "metadata": {},
        "network_reason_code": "10.4" if reason == "fraudulent" else None,
        "payment_intent": ch["payment_intent"],
        "payment_method_details": {"type": "card", "card": {"brand": "visa", "case_type": "chargeback"}},
        "reason": reason,
        "status": "needs_response",
    }


def customer(name: str, email: str) -> JSON:
    return {
        "id": new_id("cus", 14),
        "object": "customer",
        "address": None,
        "balance": 0,
        "created": now(),
        "currency": None,
        "delinquent": False,
        "description": None,
        "email": email,
        "invoice_prefix": secrets.token_hex(4).upper(),
        "invoice_settings": {"custom_fields": None, "default_payment_method": None, "footer": None},
        "livemode": False,
        "metadata": {},
        "name": name,
        "phone": None,
        "preferred_locales": [],
        "tax_exempt": "none",
    }


def subscription_item(sub_id: str, pr: JSON, quantity: int, start: int, end: int) -> JSON:
    return {
        "id": new_id("si", 14),
        "object": "subscription_item",
        "created": now(),
        "current_period_end": end,
        "current_period_start": start,
        "discounts": [],
        "metadata": {},
        "price": pr,
        "quantity": quantity,
        "subscription": sub_id,
        "tax_rates": [],
    }


def subscription(cus: JSON, pr: JSON, quantity: int, meta: dict[str, str], pm_id: str, start: int, end: int) -> JSON:
    sub_id = new_id("sub")
    return {
        "id": sub_id,
        "object": "subscription",
        "billing_cycle_anchor": start,
        "cancel_at": None,
        "cancel_at_period_end": False,
        "canceled_at": None,
        "cancellation_details": {"comment": None, "feedback": None, "reason": None},
        "collection_method": "charge_automatically",
        "created": start,
        "currency": pr["currency"],
        "customer": cus["id"],
        "default_payment_method": pm_id,
        "description": None,
        "discounts": [],
        "ended_at": None,
        "items": list_object(
            [subscription_item(sub_id, pr, quantity, start, end)], f"/v1/subscription_items?subscription={sub_id}"
        ),
        "latest_invoice": None,
        "livemode": False,
        "metadata": meta,
        "pause_collection": None,
        "schedule": None,
        "start_date": start,
        "status": "active",
        "trial_end": None,
        "trial_start": None,
    }


def invoice(sub: JSON, cus: JSON, reason: str, number: int, period: tuple[int, int]) -> JSON:
    """A paid subscription invoice; ``period`` is the service period of its line."""
    item = sub["items"]["data"][0]
    amount = item["price"]["unit_amount"] * item["quantity"]
    in_id = new_id("in")
    created = now()
    line = {
        "id": new_id("il"),
        "object": "line_item",
        "amount": amount,
        "currency": sub["currency"],
        "description": f"{item['quantity']} × {item['price']['product']}",
        "discountable": True,
        "discounts": [],
        "invoice": in_id,
        "livemode": False,
        "metadata": dict(sub["metadata"]),
        "parent": {
            "type": "subscription_item_details",
            "invoice_item_details": None,
            "subscription_item_details": {
                "invoice_item": None,
                "proration": False,
                "proration_details": {"credited_items": None},
                "subscription": sub["id"],
                "subscription_item": item["id"],
            },
        },
        "period": {"start": period[0], "end": period[1]},
        "pricing": {
            "type": "price_details",
            "price_details": {"price": item["price"]["id"], "product": item["price"]["product"]},
            "unit_amount_decimal": item["price"]["unit_amount_decimal"],
        },
        "quantity": item["quantity"],
        "taxes": [],
    }
    return {
        "id": in_id,
        "object": "invoice",
        "account_country": "DE",
        "amount_due": amount,
        "amount_overpaid": 0,
        "amount_paid": amount,
        "amount_remaining": 0,
        "amount_shipping": 0,
        "attempt_count": 1,
        "attempted": True,
        "billing_reason": reason,
        "collection_method": "charge_automatically",
        "created": created,
        "currency": sub["currency"],
        "customer": cus["id"],
        "customer_email": cus["email"],
        "customer_name": cus["name"],
        "description": None,
        "hosted_invoice_url": None,
        "invoice_pdf": None,
        "lines": list_object([line], f"/v1/invoices/{in_id}/lines"),
        "livemode": False,
        "metadata": {},
        "number": f"{cus['invoice_prefix']}-{number:04d}",
        "parent": {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"metadata": dict(sub["metadata"]), "subscription": sub["id"]},
        },
        # Stripe's own quirk: a subscription invoice's period is the *previous* period
        # (equal start and end on the first one); the service period is on the line.
        "period_end": created if reason == "subscription_create" else period[0],
        "period_start": created if reason == "subscription_create" else item["current_period_start"],
        "status": "paid",
        "status_transitions": {
            "finalized_at": created,
            "marked_uncollectible_at": None,
            "paid_at": created,
            "voided_at": None,
        },
        "subtotal": amount,
        "total": amount,
    }


def invoice_payment(inv: JSON, pi_id: str) -> JSON:
    return {
        "id": new_id("inpay"),
        "object": "invoice_payment",
        "amount_paid": inv["amount_paid"],
        "amount_requested": inv["amount_due"],
        "created": inv["created"],
        "currency": inv["currency"],
        "invoice": inv["id"],
        "is_default": True,
        "livemode": False,
        "payment": {"type": "payment_intent", "payment_intent": pi_id},
        "status": "paid",
        "status_transitions": {"canceled_at": None, "paid_at": inv["created"]},
    }


def event(kind: str, obj: JSON, api_version: str, previous: JSON | None, request: JSON, endpoints: int) -> JSON:
    data: JSON = {"object": obj}
    if previous is not None:
        data["previous_attributes"] = previous
    return {
        "id": new_id("evt"),
        "object": "event",
        "api_version": api_version,
        "created": now(),
        "data": data,
        "livemode": False,
        "pending_webhooks": endpoints,
        "request": request,
        "type": kind,
    }
