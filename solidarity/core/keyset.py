"""Reading a big table a page at a time by its key ("keyset pagination"), not through a cursor.

`QuerySet.iterator()` on PostgreSQL reads through a server-side cursor; outside a
transaction Django declares it WITH HOLD, which lives in the database session across
transactions — and behind PgBouncer in transaction mode the next fetch may reach another
session, where the cursor does not exist. With `DATABASE_POOLER=transaction` Django's
server-side cursors are off, so `.iterator()` would fetch the whole result at once. Each
page here is one short query (`key > last ORDER BY key LIMIT size`) that any pooled
connection answers, and memory holds one page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db.models import QuerySet


def _key_of(row: Any, key: str) -> Any:
    return row[key] if isinstance(row, dict) else getattr(row, key)


def keyset_pages(
    queryset: QuerySet[Any, Any], *, key: str, size: int, key_of: Callable[[Any], Any] | None = None
) -> Iterator[list[Any]]:
    """The rows of `queryset` in ascending order of `key` (a unique column), `size` rows a page.

    Rows from `values()` or model instances carry their key; for `values_list()` rows pass
    `key_of` to read it (e.g. `lambda row: row[0]`). Each page is a separate query, so rows
    written meanwhile with a key above the last one read are included.
    """
    read_key = key_of or (lambda row: _key_of(row, key))
    ordered = queryset.order_by(key)
    page = list(ordered[:size])
    while page:
        yield page
        if len(page) < size:
            return
        page = list(ordered.filter(**{f"{key}__gt": read_key(page[-1])})[:size])


def keyset_rows(
    queryset: QuerySet[Any, Any], *, key: str, size: int, key_of: Callable[[Any], Any] | None = None
) -> Iterator[Any]:
    """The rows of `keyset_pages`, one at a time."""
    for page in keyset_pages(queryset, key=key, size=size, key_of=key_of):
        yield from page
