"""A migration linter for rolling deploys (`manage.py lint_migrations`, run by the test suite).

During an upgrade the previous release's app servers keep serving while `migrate` runs and
until each of them restarts (docs/upgrades.md). A migration is refused when it would:

- break the previous release: a NOT NULL column its INSERTs leave out, a column or table it
  still reads dropped or renamed, a column's type or nullability changed under it;
- lock a big table (BIG_TABLES) while an index is built or a constraint validated, which
  stops donations and webhooks for as long as that takes.

Migrations already deployed (those in the previous release's fixture,
tests/fixtures/previous_release/migrations.txt) are not linted again. A refused operation
that a person has reviewed and found safe (the second step of a removal, say) is named in
the migration's `rolling_deploy_reviewed` attribute with the reason:

    class Migration(migrations.Migration):
        rolling_deploy_reviewed = {
            "RemoveField donations.donation.legacy_note": "the model stopped using it in 0007, released in 2026.12",
        }
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import migrations
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.db.models import NOT_PROVIDED, ManyToManyField

# Tables that grow with every donation, event or ledger entry: an index built or a
# constraint validated on them without CONCURRENTLY / NOT VALID holds writes for minutes.
BIG_TABLES = frozenset(
    {
        "ledger_transaction",
        "ledger_posting",
        "ledger_logentry",
        "ledger_checkpoint",
        "donations_donation",
        "donations_pledge",
        "payments_providerevent",
        "payments_cardpayment",
        "payments_bankline",
        "payments_banklineallocation",
        "staff_auditentry",
        "api_idempotencyrecord",
        "core_datakey",
        "django_session",
        "django_tasks_database_dbtaskresult",
    }
)
MARKER = "rolling_deploy_reviewed"
CONCURRENT_INDEX = (
    "build it with solidarity.core.migration_operations.AddIndexConcurrently (PostgreSQL: CREATE INDEX "
    "CONCURRENTLY; SQLite: a plain index) in a migration of its own with `atomic = False`"
)


@dataclass(frozen=True)
class Problem:
    path: str  # the migration's file, relative to the project
    label: str  # "AddField app.model.field": the key for rolling_deploy_reviewed
    why: str
    change: str

    def __str__(self) -> str:
        return (
            f"{self.path}: {self.label}: {self.why}\n"
            f"    Change: {self.change}\n"
            f"    Or, once a second person has reviewed it as safe, add to its Migration class: "
            f'{MARKER} = {{"{self.label}": "<why it is safe>"}}'
        )


def _postgres() -> Any:
    """A PostgreSQL connection object, never connected: it only names column types."""
    return PostgresWrapper({"NAME": "lint", "ENGINE": "django.db.backends.postgresql"}, alias="lint")


def _column_type(field: Any, connection: Any) -> str:
    return str(field.db_parameters(connection=connection)["type"] or "")


def _widening(old: str, new: str) -> bool:
    """varchar(n) → varchar(m ≥ n) or text: PostgreSQL changes only the catalogue, no rewrite."""
    before = re.fullmatch(r"varchar\((\d+)\)", old)
    if not before:
        return False
    if new == "text":
        return True
    after = re.fullmatch(r"varchar\((\d+)\)", new)
    return bool(after and int(after.group(1)) >= int(before.group(1)))


def _indexed(field: Any) -> bool:
    # A ForeignKey has db_index=True unless told otherwise: its column gets an index too.
    return bool(getattr(field, "unique", False) or getattr(field, "db_index", False))


class _Linter:
    def __init__(self, app_label: str, path: str, reviewed: dict[str, str]) -> None:
        self.app_label = app_label
        self.path = path
        self.reviewed = reviewed
        self.problems: list[Problem] = []
        self.created: set[str] = set()  # models created by this migration: new tables are safe
        self.pg = _postgres()

    def refuse(self, label: str, why: str, change: str) -> None:
        if not str(self.reviewed.get(label, "")).strip():
            self.problems.append(Problem(self.path, label, why, change))

    def table(self, state: ProjectState, model_name: str) -> str:
        return state.apps.get_model(self.app_label, model_name)._meta.db_table

    def existing(self, model_name: str) -> bool:
        return model_name.lower() not in self.created

    def walk(self, operations: Iterable[Any], state: ProjectState) -> None:
        for operation in operations:
            after = state.clone()
            operation.state_forwards(self.app_label, after)
            if isinstance(operation, migrations.SeparateDatabaseAndState):
                # Only the database operations touch the tables; the state ones are bookkeeping.
                inner = state.clone()
                self.walk(operation.database_operations, inner)
            else:
                self.check(operation, state, after)
            state = after

    def check(self, op: Any, before: ProjectState, after: ProjectState) -> None:
        app = self.app_label
        if isinstance(op, migrations.CreateModel):
            self.created.add(op.name_lower)
        elif isinstance(op, migrations.AddField) and self.existing(op.model_name):
            self.add_field(op, after)
        elif isinstance(op, migrations.RemoveField) and self.existing(op.model_name):
            self.refuse(
                f"RemoveField {app}.{op.model_name_lower}.{op.name_lower}",
                "drops a column that the previous release still reads and writes while it serves",
                "remove it in two releases: first take the field out of the model only, with "
                "migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField(...)]) after making "
                "the column null=True or giving it db_default; drop the column in the next release, naming the "
                f"first migration in {MARKER}",
            )
        elif isinstance(op, migrations.DeleteModel) and self.existing(op.name):
            self.refuse(
                f"DeleteModel {app}.{op.name_lower}",
                "drops a table that the previous release still queries",
                "delete it in two releases: first stop using the model and remove it from the state only "
                "(migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(...)])); drop "
                f"the table in the next release, naming the first migration in {MARKER}",
            )
        elif isinstance(op, migrations.RenameField):
            old = before.apps.get_model(app, op.model_name)._meta.get_field(op.old_name).column
            new = after.apps.get_model(app, op.model_name)._meta.get_field(op.new_name).column
            if old != new:
                self.refuse(
                    f"RenameField {app}.{op.model_name_lower}.{op.old_name_lower}",
                    f"renames column {old} to {new}: the previous release queries {old}",
                    f"keep the column's name: give the renamed field db_column={old!r} (then nothing changes "
                    "in the database), or add a new field, copy, and remove the old one in the next release",
                )
        elif isinstance(op, migrations.RenameModel):
            old = before.apps.get_model(app, op.old_name)._meta.db_table
            new = after.apps.get_model(app, op.new_name)._meta.db_table
            if old != new:
                self.refuse(
                    f"RenameModel {app}.{op.old_name_lower}",
                    f"renames table {old} to {new}: the previous release queries {old}",
                    f"keep the table's name: set Meta.db_table = {old!r} on the renamed model",
                )
        elif isinstance(op, migrations.AlterModelTable):
            old = before.apps.get_model(app, op.name)._meta.db_table
            new = after.apps.get_model(app, op.name)._meta.db_table
            if old != new and self.existing(op.name):
                self.refuse(
                    f"AlterModelTable {app}.{op.name_lower}",
                    f"renames table {old} to {new}: the previous release queries {old}",
                    f"keep db_table = {old!r}",
                )
        elif isinstance(op, migrations.AlterField) and self.existing(op.model_name):
            self.alter_field(op, before, after)
        self.check_locks(op, before, after)

    def check_locks(self, op: Any, before: ProjectState, after: ProjectState) -> None:
        app = self.app_label
        if isinstance(op, migrations.AddIndex) and self.existing(op.model_name):
            table = self.table(after, op.model_name)
            concurrent = type(op).__name__ == "AddIndexConcurrently"
            if table in BIG_TABLES and not concurrent:
                self.refuse(
                    f"AddIndex {app}.{op.model_name_lower}.{op.index.name}",
                    f"builds index {op.index.name} on the big table {table} while every write to it waits",
                    CONCURRENT_INDEX,
                )
        elif isinstance(op, migrations.RemoveIndex) and self.existing(op.model_name):
            table = self.table(before, op.model_name)
            if table in BIG_TABLES and type(op).__name__ != "RemoveIndexConcurrently":
                self.refuse(
                    f"RemoveIndex {app}.{op.model_name_lower}.{op.name}",
                    f"drops an index of the big table {table} under an exclusive lock",
                    "use solidarity.core.migration_operations.RemoveIndexConcurrently in a migration with "
                    "`atomic = False`",
                )
        elif isinstance(op, migrations.AddConstraint) and self.existing(op.model_name):
            table = self.table(after, op.model_name)
            if table in BIG_TABLES:
                self.refuse(
                    f"AddConstraint {app}.{op.model_name_lower}.{op.constraint.name}",
                    f"validates constraint {op.constraint.name} over every row of the big table {table} while "
                    "writes wait",
                    "add it with RunSQL as NOT VALID, then VALIDATE CONSTRAINT in a later migration (a unique "
                    f"one: {CONCURRENT_INDEX}, then ADD CONSTRAINT … USING INDEX)",
                )
        elif isinstance(op, migrations.AlterUniqueTogether | migrations.AlterIndexTogether) and self.existing(op.name):
            table = self.table(after, op.name)
            if table in BIG_TABLES:
                self.refuse(
                    f"{type(op).__name__} {app}.{op.name_lower}",
                    f"builds an index on the big table {table} while every write to it waits",
                    CONCURRENT_INDEX,
                )
        elif isinstance(op, migrations.RunSQL):
            self.run_sql(op)

    def add_field(self, op: Any, after: ProjectState) -> None:
        field = after.apps.get_model(self.app_label, op.model_name)._meta.get_field(op.name)
        if isinstance(field, ManyToManyField):
            return  # a new table
        label = f"AddField {self.app_label}.{op.model_name_lower}.{op.name_lower}"
        table = self.table(after, op.model_name)
        if not field.null and field.db_default is NOT_PROVIDED:
            self.refuse(
                label,
                f"adds a NOT NULL column to {table} without a database default: the previous release's INSERTs "
                "leave it out and fail (Django drops a Python `default` from the table once the column is added)",
                "add the field with null=True, or with db_default=… (kept in the table); to make it required, "
                "backfill and set NOT NULL in the next release",
            )
        if table in BIG_TABLES and _indexed(field):
            self.refuse(
                label.replace("AddField", "AddField index"),
                f"builds an index for the new column on the big table {table} while every write to it waits",
                f"add the field with db_index=False (unique=False), then {CONCURRENT_INDEX}",
            )

    def alter_field(self, op: Any, before: ProjectState, after: ProjectState) -> None:
        old = before.apps.get_model(self.app_label, op.model_name)._meta.get_field(op.name)
        new = after.apps.get_model(self.app_label, op.model_name)._meta.get_field(op.name)
        label = f"AlterField {self.app_label}.{op.model_name_lower}.{op.name_lower}"
        table = self.table(after, op.model_name)
        old_type, new_type = _column_type(old, self.pg), _column_type(new, self.pg)
        if old_type != new_type and not _widening(old_type, new_type):
            self.refuse(
                label,
                f"changes the column's type from {old_type} to {new_type}: PostgreSQL rewrites {table} under an "
                "exclusive lock, and the previous release reads and writes the old type",
                "add a new field of the new type, write both, backfill, switch reads, and remove the old one in "
                "the next release",
            )
        if old.column != new.column:
            self.refuse(
                label,
                f"renames column {old.column} to {new.column}: the previous release queries {old.column}",
                f"keep db_column={old.column!r}",
            )
        if old.null and not new.null:
            self.refuse(
                label,
                f"sets NOT NULL on {table}.{new.column}: every row is scanned under an exclusive lock, and the "
                "previous release may still write NULL",
                "set NOT NULL in the release after the one that stopped writing NULL, once a backfill has run; "
                "on a big table add a CHECK (… IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL",
            )
        if table in BIG_TABLES and _indexed(new) and not _indexed(old):
            self.refuse(
                label,
                f"builds an index for {new.column} on the big table {table} while every write to it waits",
                f"keep db_index=False/unique=False on the field and {CONCURRENT_INDEX}",
            )

    def run_sql(self, op: Any) -> None:
        sql = " ".join(str(part) for part in (op.sql if isinstance(op.sql, list | tuple) else [op.sql]))
        for table in BIG_TABLES:
            index = re.search(rf"CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)[^;]*\bON\s+{table}\b", sql, re.I)
            if index:
                self.refuse(
                    f"RunSQL {self.app_label} CREATE INDEX ON {table}",
                    f"builds an index on the big table {table} without CONCURRENTLY while every write waits",
                    "write CREATE INDEX CONCURRENTLY in a migration with `atomic = False`",
                )


def lint_migration(migration: Any, state: ProjectState, path: str) -> list[Problem]:
    """The problems of one migration, applied on top of `state` (the project before it)."""
    linter = _Linter(migration.app_label, path, dict(getattr(migration, MARKER, {}) or {}))
    linter.walk(migration.operations, state.clone())
    return linter.problems


def read_deployed(path: Path) -> set[tuple[str, str]]:
    """("app", "name") of every migration the previous release had applied."""
    deployed: set[tuple[str, str]] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            app, _, name = line.partition(" ")
            deployed.add((app, name.strip()))
    return deployed


def lint_project(*, deployed: set[tuple[str, str]], root: Path) -> list[Problem]:
    """Lint every migration of the project's own apps that the previous release did not have."""
    import sys

    loader = MigrationLoader(None, ignore_no_migrations=True)
    problems: list[Problem] = []
    for key, migration in sorted(loader.disk_migrations.items()):
        module = sys.modules[type(migration).__module__]
        if not module.__name__.startswith("solidarity.") or key in deployed:
            continue
        path = Path(module.__file__ or "")
        shown = str(path.relative_to(root)) if path.is_relative_to(root) else str(path)
        state = loader.project_state(key, at_end=False)
        problems.extend(lint_migration(migration, state, shown))
    return problems
