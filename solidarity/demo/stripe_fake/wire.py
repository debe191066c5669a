"""Stripe's v1 wire format: nested form bodies in, ``{"error": {...}}`` bodies out.

The official SDK sends ``application/x-www-form-urlencoded`` bodies whose keys
nest with brackets (``line_items[0][price_data][currency]=eur``) and whose lists
are numbered (``expand[0]=...``; Stripe also accepts ``expand[]``).  Every value
arrives as a string, so the helpers here also do Stripe's string-to-type
coercion and answer with the same error shape (``type``, ``code``, ``message``,
``param``) that the SDK maps onto its exception classes.
"""

from __future__ import annotations

import re
import sys
from typing import Any
from urllib.parse import parse_qsl

JSON = dict[str, Any]

_KEY_PART = re.compile(r"\[([^\]]*)\]")


class StripeError(Exception):
    """An API error rendered exactly like Stripe's, with its HTTP status.

    Raised anywhere in the fake; the server turns it into the JSON body, so the
    SDK raises the same exception class (``InvalidRequestError``, ``CardError``,
    ``IdempotencyError``, ``AuthenticationError``, ``APIError``) as with Stripe.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.param = param
        self.extra = extra

    def body(self) -> JSON:
        error: JSON = {"type": self.type, "message": self.message}
        if self.code is not None:
            error["code"] = self.code
            error["doc_url"] = f"https://stripe.com/docs/error-codes/{self.code.replace('_', '-')}"
        if self.param is not None:
            error["param"] = self.param
        error.update(self.extra)
        return {"error": error}


def missing(resource: str, ident: str, param: str = "id") -> StripeError:
    """The 404 Stripe answers for an unknown id (``resource_missing``)."""
    return StripeError(404, f"No such {resource}: '{ident}'", code="resource_missing", param=param)


def parse_form(body: str) -> JSON:
    """Decode a Stripe form body (or query string) into nested dicts and lists.

    ``a[b][0][c]=x`` becomes ``{"a": {"b": [{"c": "x"}]}}``.  Dicts whose keys are
    all digits become lists in index order, as Stripe reads them.
    """
    root: JSON = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        base = key.split("[", 1)[0]
        parts = [base, *_KEY_PART.findall(key[len(base) :])]
        node: Any = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if part == "":  # ``a[]`` appends
                part = str(len(node))
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _listify(root)


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    converted = {k: _listify(v) for k, v in node.items()}
    if converted and all(k.isdigit() for k in converted):
        return [converted[k] for k in sorted(converted, key=int)]
    return converted


def _given(params: JSON, key: str, name: str, required: bool) -> Any:
    """The raw value of a parameter, or None when absent or empty (an error when required)."""
    raw = params.get(key)
    if raw is None or raw == "":
        if required:
            raise StripeError(400, f"Missing required param: {name}.", code="parameter_missing", param=name)
        return None
    return raw


def as_int(params: JSON, key: str, param: str | None = None, *, required: bool = False) -> int | None:
    """Read an integer parameter the way Stripe does (string of digits)."""
    name = param or key
    raw = _given(params, key, name, required)
    if raw is None:
        return None
    try:
        return int(str(raw))
    except ValueError:
        raise StripeError(400, f"Invalid integer: {raw}", code="parameter_invalid_integer", param=name) from None


def as_bool(params: JSON, key: str, default: bool | None = None) -> bool | None:
    """Read a boolean parameter; Stripe accepts only ``true`` and ``false``."""
    raw = params.get(key)
    if raw is None:
        return default
    if str(raw).lower() in ("true", "false"):
        return str(raw).lower() == "true"
    raise StripeError(400, f"Invalid boolean: {raw}", code="parameter_invalid_boolean", param=key)


def as_str(params: JSON, key: str, param: str | None = None, *, required: bool = False) -> str | None:
    name = param or key
    raw = _given(params, key, name, required)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise StripeError(400, f"Invalid string: {raw!r}", code="parameter_invalid_string", param=name)
    return raw


def metadata(params: JSON, key: str = "metadata", param: str | None = None) -> dict[str, str]:
    """Validate metadata with Stripe's documented limits (50 keys, 40/500 chars)."""
    raw = params.get(key)
    name = param or key
    if raw is None or raw == "":
        return {}
    if not isinstance(raw, dict):
        raise StripeError(400, "Invalid object", code="parameter_invalid_string", param=name)
    if len(raw) > 50:
        raise StripeError(400, "Metadata can have up to 50 keys.", param=name)
    out: dict[str, str] = {}
    for k, v in raw.items():
        if len(k) > 40:
            raise StripeError(400, "Metadata keys can have up to 40 characters.", param=f"{name}[{k}]")
        if not isinstance(v, str):
            raise StripeError(400, "Invalid string", code="parameter_invalid_string", param=f"{name}[{k}]")
        if len(v) > 500:
            raise StripeError(400, "Metadata values can have up to 500 characters.", param=f"{name}[{k}]")
        if v != "":  # posting an empty value unsets a key
            out[k] = v
    return out


#: Keys of the SDK's ``RequestOptions`` that every params TypedDict inherits; never sent as parameters.
_REQUEST_OPTION_KEYS = frozenset(
    ("api_key", "stripe_version", "stripe_account", "stripe_context", "max_network_retries", "idempotency_key")
) | {"content_type", "headers"}


def check_known(params: JSON, schema: type, path: str = "") -> None:
    """Reject parameters the real API does not know, as Stripe does.

    ``schema`` is the SDK's generated ``TypedDict`` for the call (for example
    ``stripe.params.checkout.SessionCreateParams``), so the fake accepts exactly
    the parameter names of the pinned API version and a typo in the app fails
    here with Stripe's ``parameter_unknown`` error instead of passing silently.
    """
    module = sys.modules[schema.__module__]
    hints: dict[str, Any] = getattr(schema, "__annotations__", {})
    for key, value in params.items():
        name = f"{path}[{key}]" if path else key
        if key not in hints or (not path and key in _REQUEST_OPTION_KEYS):
            raise StripeError(400, f"Received unknown parameter: {name}", code="parameter_unknown", param=name)
        nested = [getattr(module, n) for n in _SCHEMA_NAME.findall(repr(hints[key])) if hasattr(module, n)]
        if not nested:
            continue
        items = value if isinstance(value, list) else [value]
        for index, item in enumerate(items):
            if isinstance(item, dict):
                check_known(item, nested[0], f"{name}[{index}]" if isinstance(value, list) else name)


_SCHEMA_NAME = re.compile(r"\b([A-Z]\w*Params\w*)\b")
