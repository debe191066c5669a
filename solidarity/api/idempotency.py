"""Idempotent POSTs: the first response to (token user or anonymous, Idempotency-Key) is
replayed to repeats of the same request for 24 hours.

- A repeat of the same request (method, path with query, body) gets the stored status and
  body again, with `Idempotent-Replayed: true`; nothing runs twice.
- The same key with another request is refused: 422 `idempotency_key_reused`.
- While the first request still runs, a repeat gets 409 `idempotency_key_in_progress`:
  a placeholder row under a unique constraint decides who runs, on every database.
- Only responses of an operation that ran and decided are stored (2xx, 400, 404, 409);
  authentication, permission, validation and rate-limit refusals and server errors are
  not, so the client may fix the cause and retry with the same key.

Privacy: neither the key nor the request is stored, only keyed hashes of them; the body
is encrypted under a key derived from the Idempotency-Key (a receipt code in a response
must not sit readable in the database). Anonymous keys are not tied to any client
pseudonym: that would link an address hash to a receipt check.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from cryptography.fernet import Fernet
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from solidarity.api.auth import presented_token
from solidarity.api.errors import error_response
from solidarity.api.models import IdempotencyRecord

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
TTL = dt.timedelta(hours=24)
# A placeholder this old belongs to a request that died (a killed worker): it may be taken over.
ABANDONED_AFTER = dt.timedelta(minutes=10)
KEY_PATTERN = r"^[\x21-\x7e]{16,255}$"
STORED_STATUSES = frozenset({400, 404, 409})

HEADER_DOC: dict[str, Any] = {
    "in": "header",
    "name": HEADER,
    "required": False,
    "description": "Makes the POST safe to retry: 16–255 visible ASCII characters, e.g. a random UUID. "
    "The first response is replayed to repeats of the same request for 24 hours.",
    "schema": {"type": "string", "minLength": 16, "maxLength": 255, "pattern": KEY_PATTERN},
}


def _key_hash(key: str) -> str:
    return hashlib.sha256(f"idempotency-key:{key}".encode()).hexdigest()


def _fernet(key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(f"idempotency-body:{key}".encode()).digest()))


def request_fingerprint(request: HttpRequest, key: str) -> str:
    """A keyed hash of method, path and body. Multipart bodies are hashed by their fields
    and file contents, because a retried upload carries a new random boundary."""
    mac = hmac.new(key.encode(), f"{request.method}\0{request.get_full_path()}\0".encode(), hashlib.sha256)
    if request.content_type == "multipart/form-data":
        fields = sorted((name, values) for name, values in request.POST.lists())
        files = []
        for name, uploads in sorted(request.FILES.lists()):
            for upload in uploads:
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
                files.append([name, upload.name, digest.hexdigest()])
        mac.update(json.dumps({"fields": fields, "files": files}).encode())
    else:
        mac.update(request.body)
    return mac.hexdigest()


@dataclass
class Claim:
    """Either the record this request now owns, or the response to give instead."""

    record: IdempotencyRecord | None = None
    response: HttpResponseBase | None = None


def _replay(record: IdempotencyRecord, key: str) -> HttpResponse:
    # The key's hash matched, so decryption fails only if the row was tampered with: a 500.
    body = _fernet(key).decrypt(record.encrypted_body.encode())
    response = HttpResponse(body, status=record.status_code or 200, content_type=record.content_type)
    response[REPLAYED_HEADER] = "true"
    response["Cache-Control"] = "no-store"
    return response


def claim(*, scope: str, key: str, fingerprint: str) -> Claim:
    """Insert the placeholder, or say why this request must not run."""
    now = timezone.now()
    key_hash = _key_hash(key)
    mine = IdempotencyRecord.objects.filter(scope=scope, key_hash=key_hash)
    mine.filter(created_at__lt=now - TTL).delete()  # an expired key is free again
    if cache.add("api:idempotency-purge", 1, 3600):  # lazily, at most hourly per cache
        purge_expired()
    try:
        with transaction.atomic():
            return Claim(
                record=IdempotencyRecord.objects.create(scope=scope, key_hash=key_hash, request_hash=fingerprint)
            )
    except IntegrityError:
        pass
    existing = mine.first()
    if existing is None:  # purged between our insert and this read: the client may retry at once
        return Claim(response=_in_progress())
    if not hmac.compare_digest(existing.request_hash, fingerprint):
        message = "This Idempotency-Key was used for a different request."
        return Claim(response=error_response(422, "idempotency_key_reused", message))
    if existing.completed_at is not None:
        return Claim(response=_replay(existing, key))
    if existing.created_at < now - ABANDONED_AFTER:
        taken = mine.filter(pk=existing.pk, completed_at=None, created_at=existing.created_at).update(created_at=now)
        if taken:
            existing.created_at = now
            return Claim(record=existing)
    return Claim(response=_in_progress())


def _in_progress() -> HttpResponse:
    return error_response(
        409, "idempotency_key_in_progress", "A request with this Idempotency-Key is still running; retry shortly."
    )


def complete(record: IdempotencyRecord, key: str, response: HttpResponseBase) -> None:
    """Keep the response for replay if the operation decided something, else free the key."""
    status = response.status_code
    if isinstance(response, HttpResponse) and (200 <= status < 300 or status in STORED_STATUSES):
        record.status_code = status
        record.content_type = response.get("Content-Type", "application/json")[:100]
        record.encrypted_body = _fernet(key).encrypt(response.content).decode()
        record.completed_at = timezone.now()
        record.save(update_fields=["status_code", "content_type", "encrypted_body", "completed_at"])
    else:
        record.delete()


def purge_expired() -> int:
    """Delete stored responses older than 24 h; returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=timezone.now() - TTL).delete()
    return deleted


def _scope(request: HttpRequest) -> str | None:
    """ "user:<id>" for a valid token, "anonymous" without one, None for a bad token (the
    operation then answers 401 itself, and nothing is stored)."""
    if "Authorization" not in request.headers:
        return "anonymous"
    token = presented_token(request)
    return f"user:{token.user_id}" if token is not None else None


def idempotent(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Wrap an operation's `run` (ninja view decorator) so that POSTs honour Idempotency-Key."""

    @wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None:
            return run(request, *args, **kwargs)
        if not re.fullmatch(KEY_PATTERN, key):
            return error_response(
                422, "invalid_idempotency_key", "An Idempotency-Key has 16–255 visible ASCII characters."
            )
        scope = _scope(request)
        if scope is None:
            return run(request, *args, **kwargs)
        outcome = claim(scope=scope, key=key, fingerprint=request_fingerprint(request, key))
        if outcome.record is None:
            assert outcome.response is not None
            return outcome.response
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            outcome.record.delete()
            raise
        complete(outcome.record, key, response)
        return response

    return wrapper
