"""Re-encrypt every encrypted field with the newest key, so an old key can be retired.

Rows are rewritten one at a time with `QuerySet.update` (no model save logic, no signals),
in batches of their own transactions, so a long rotation can be interrupted and run again:
values already under the newest key are simply rotated once more.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from solidarity.core.crypto import reencrypt_text
from solidarity.core.encrypted_fields import encrypted_fields

Progress = Callable[[int, int], None]
BATCH = 200


def rotate_all_keys(*, progress: Progress | None = None) -> int:
    """Re-encrypt every non-empty encrypted value; returns how many were rewritten."""
    jobs = []
    for spec in encrypted_fields():
        model = spec.model_class()
        ids = list(model._default_manager.exclude(**{spec.field: ""}).order_by("pk").values_list("pk", flat=True))
        jobs.append((model, spec.field, ids))
    total = sum(len(ids) for _, _, ids in jobs)
    done = 0
    for model, field, ids in jobs:
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                rows = (
                    model._default_manager.select_for_update()
                    .filter(pk__in=ids[start : start + BATCH])
                    .values_list("pk", field)
                )
                for pk, value in rows:
                    model._default_manager.filter(pk=pk).update(**{field: reencrypt_text(value)})
                    done += 1
                    if progress:
                        progress(done, total)
    if progress and total == 0:
        progress(0, 0)
    return done
