"""Migration operations that keep a rolling deploy running (docs/upgrades.md, `manage.py
lint_migrations`).

Django's `AddIndexConcurrently` exists only on PostgreSQL; the project also runs on SQLite
(development, the demo, most tests). These build the index CONCURRENTLY on PostgreSQL —
writes go on while it is built — and as a plain index elsewhere. A migration that uses
them must set `atomic = False`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres import operations as postgres
from django.db import migrations


class _ConcurrentlyOnPostgres:
    concurrent: Any  # Django's PostgreSQL operation
    plain: Any  # the operation every database has

    def _operation(self, schema_editor: Any) -> Any:
        return self.concurrent if schema_editor.connection.vendor == "postgresql" else self.plain

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._operation(schema_editor).database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        self._operation(schema_editor).database_backwards(self, app_label, schema_editor, from_state, to_state)


class AddIndexConcurrently(_ConcurrentlyOnPostgres, postgres.AddIndexConcurrently):
    concurrent = postgres.AddIndexConcurrently
    plain = migrations.AddIndex


class RemoveIndexConcurrently(_ConcurrentlyOnPostgres, postgres.RemoveIndexConcurrently):
    concurrent = postgres.RemoveIndexConcurrently
    plain = migrations.RemoveIndex
