"""The public log, for people and for programs: the latest signed checkpoint, entries,
inclusion and consistency proofs (JSON), the public key, and a downloadable bundle that
`python -m solidarity.publiclog.verify_bundle DIR` checks without us."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from solidarity.publiclog import selectors as log_selectors
from solidarity.publiclog.export import export_bundle
from solidarity.publiclog.keys import signing_key
from solidarity.publiclog.selectors import ProofUnavailable

MAX_ENTRIES = 1000


def _int(request: HttpRequest, name: str, default: int | None = None) -> int | None:
    value = request.GET.get(name, "")
    if value == "":
        return default
    if not value.isdigit():
        raise ValueError(f"{name} must be a whole number")
    return int(value)


def _error(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


def public_key_pem() -> str:
    key = signing_key().public_key
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def _checkpoint_json(checkpoint: Any) -> dict[str, Any]:
    return {
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "created_at": checkpoint.created_at.isoformat(),
        "note": checkpoint.note,
    }


@require_safe
def log_page(request: HttpRequest) -> HttpResponse:
    checkpoint = log_selectors.latest_checkpoint()
    start = max(0, checkpoint.tree_size - 50) if checkpoint else 0
    entries = [
        {"index": e.index, "data": json.loads(e.entry), "leaf_hash": e.leaf_hash}
        for e in reversed(log_selectors.entries_page(start=start, limit=50))
    ]
    return render(
        request, "transparency/log.html", {"checkpoint": checkpoint, "entries": entries, "public_key": public_key_pem()}
    )


@require_safe
def checkpoint_json(request: HttpRequest) -> JsonResponse:
    checkpoint = log_selectors.latest_checkpoint()
    if checkpoint is None:
        return _error("no_checkpoint", "Nothing has been sealed yet.", 404)
    return JsonResponse(_checkpoint_json(checkpoint))


@require_safe
def entries_json(request: HttpRequest) -> JsonResponse:
    try:
        start = _int(request, "start", 0) or 0
        limit = min(_int(request, "limit", 100) or 100, MAX_ENTRIES)
    except ValueError as exc:
        return _error("invalid_query", str(exc), 400)
    entries = log_selectors.entries_page(start=start, limit=limit)
    return JsonResponse({"entries": [{"index": e.index, "entry": e.entry, "leaf_hash": e.leaf_hash} for e in entries]})


@require_safe
def inclusion_json(request: HttpRequest, index: int) -> JsonResponse:
    try:
        proof = log_selectors.inclusion_proof(index, tree_size=_int(request, "tree_size"))
    except ValueError as exc:
        return _error("invalid_query", str(exc), 400)
    except ProofUnavailable as exc:
        return _error(exc.code, exc.message, 404)
    return JsonResponse(proof.as_dict())


@require_safe
def consistency_json(request: HttpRequest) -> JsonResponse:
    try:
        first = _int(request, "first")
        if first is None:
            raise ValueError("first is required")
        proof = log_selectors.consistency_proof(first, _int(request, "second"))
    except ValueError as exc:
        return _error("invalid_query", str(exc), 400)
    except ProofUnavailable as exc:
        return _error(exc.code, exc.message, 404)
    return JsonResponse(proof.as_dict())


@require_safe
def public_key(request: HttpRequest) -> HttpResponse:
    return HttpResponse(public_key_pem(), content_type="application/x-pem-file")


@require_safe
def bundle_zip(request: HttpRequest) -> HttpResponse:
    """The whole log (checkpoints, entries, public key, README) as one zip file."""
    with tempfile.TemporaryDirectory() as tmp:
        export_bundle(tmp)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(Path(tmp).iterdir()):
                archive.write(path, arcname=f"solidarity-log/{path.name}")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="solidarity-log.zip"'
    return response
