"""Opaque cursors for keyset pagination.

A cursor names the last row of the previous page (by id, under a fixed descending or
ascending id order), so pages stay stable while rows are added; clients must not build
or parse cursors, which lets the format change.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db.models import Model, QuerySet
from django.utils.translation import gettext

from solidarity.core.errors import DomainError

T = TypeVar("T", bound=Model)
MAX_LIMIT = 100


class InvalidCursor(DomainError):
    code = "invalid_cursor"


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, value = text.partition(":")
        last_id = int(value)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor(gettext("This cursor is not one the API gave out.")) from exc
    if version != "v1" or not value.isdigit() or last_id >= 2**63:
        raise InvalidCursor(gettext("This cursor is not one the API gave out."))
    return last_id


def keyset_page(queryset: QuerySet[T], *, cursor: str | None, limit: int, newest_first: bool) -> Page[T]:
    """One page of `queryset` ordered by id, after the row the cursor names."""
    limit = max(1, min(limit, MAX_LIMIT))
    if newest_first:
        qs = queryset.order_by("-id")
        if cursor:
            qs = qs.filter(id__lt=decode_cursor(cursor))
    else:
        qs = queryset.order_by("id")
        if cursor:
            qs = qs.filter(id__gt=decode_cursor(cursor))
    rows = list(qs[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=encode_cursor(rows[-1].pk) if more and rows else None)
