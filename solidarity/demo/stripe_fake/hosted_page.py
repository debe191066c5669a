"""The fake's stand-in for checkout.stripe.com: one HTML form, no JavaScript.

A plain form lets tests (and a person with a text browser) pay with ordinary
HTTP.  Field names are the ids Stripe Checkout uses (``cardNumber``,
``cardExpiry``, ``cardCvc``, ``billingName``, ``email``), so a browser test
written against the fake reads like one written against Stripe.
"""

from __future__ import annotations

from html import escape

from .wire import JSON

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}"
    "label{display:block;margin:.6rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}"
    "button{margin-top:1rem;padding:.6rem 1rem}.error{color:#b00020;border:1px solid #b00020;padding:.5rem}"
)


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>"
    )


def _money(amount: int, currency: str) -> str:
    return f"{amount / 100:.2f} {currency.upper()}"


def checkout_page(
    session: JSON, lines: list[JSON], error: str | None = None, form: dict[str, str] | None = None
) -> str:
    """The open session's payment form, with the last error and typed values kept."""
    values = form or {}
    sid = escape(session["id"])
    items = "".join(
        f"<li>{escape(line['description'])} × {line['quantity']}: {_money(line['amount_total'], line['currency'])}"
        + (f" / {escape(line['price']['recurring']['interval'])}" if line["price"]["recurring"] else "")
        + "</li>"
        for line in lines
    )
    submit = {"donate": "Donate", "book": "Book", "subscribe": "Subscribe"}.get(
        session.get("submit_type") or "", "Subscribe" if session["mode"] == "subscription" else "Pay"
    )

    def field(name: str, label: str, autocomplete: str, default: str = "") -> str:
        value = escape(values.get(name, default))
        return (
            f'<label for="{name}">{label}</label>'
            f'<input id="{name}" name="{name}" autocomplete="{autocomplete}" value="{value}" required>'
        )

    error_html = f'<p class="error" role="alert" id="error">{escape(error)}</p>' if error else ""
    cancel = f'<p><a href="/pay/{sid}/cancel">Back</a></p>' if session.get("cancel_url") else ""
    body = (
        f"<h1>Pay {_money(session['amount_total'], session['currency'])}</h1><ul>{items}</ul>{error_html}"
        f'<form method="post" action="/pay/{sid}">'
        + field("email", "Email", "email", session.get("customer_email") or "")
        + field("cardNumber", "Card number", "cc-number")
        + field("cardExpiry", "Expiry (MM / YY)", "cc-exp")
        + field("cardCvc", "CVC", "cc-csc")
        + field("billingName", "Cardholder name", "cc-name")
        + f'<button type="submit">{submit}</button></form>{cancel}'
        "<p><small>Test mode: 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined.</small></p>"
    )
    return _page("Stripe fake checkout", body)


def message_page(title: str, text: str) -> str:
    """Completed, expired or unknown sessions, and the page shown without a success_url."""
    return _page(title, f"<h1>{escape(title)}</h1><p>{escape(text)}</p>")
