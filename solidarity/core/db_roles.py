"""Two PostgreSQL roles: an owner that migrates, and the runtime role the application uses.

The owner role owns every table (it runs `manage.py migrate`). The runtime role, which
every app server, task worker and scheduled job connects as (DATABASE_URL), may read and
write ordinary tables but only SELECT and INSERT on the append-only ones (those guarded by
the `solidarity_refuse_change` trigger: the ledger, the public log and the staff audit
log). Owning nothing and being no superuser, it can neither ALTER, DISABLE or DROP a
trigger nor set `session_replication_role`, so the application cannot rewrite history
even when an attacker controls it. docs/deployment.md and docs/security.md explain it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import dj_database_url
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper


class RoleError(Exception):
    """The runtime role cannot be set up safely (for example it is a superuser)."""


def append_only_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Tables carrying the append-only trigger, as the database itself declares them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE p.proname = 'solidarity_refuse_change' AND c.relnamespace = current_schema()::regnamespace "
            "ORDER BY c.relname"
        )
        return [row[0] for row in cursor.fetchall()]


def grant_runtime_role(connection: BaseDatabaseWrapper, role: str) -> list[str]:
    """Give `role` what the application needs and no more; returns the append-only tables.

    Run as the owner after every migration (the `migrate` command does it when
    DATABASE_OWNER_URL is set): new tables get their grants then. Idempotent.
    """
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            raise RoleError(f"there is no database role {role!r}")
        if row[0] or row[1]:
            raise RoleError(f"{role!r} is a superuser or bypasses row security: the guards would not hold")
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND pg_has_role(%s, tableowner, 'USAGE')",
            [role],
        )
        if cursor.fetchone()[0]:
            raise RoleError(f"{role!r} owns tables (or is a member of their owner): use a separate role")
        tables = append_only_tables(connection)
        name = quote(role)
        cursor.execute(f"GRANT USAGE ON SCHEMA {quote_schema(cursor)} TO {name}")
        cursor.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA {quote_schema(cursor)} FROM {name}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {quote_schema(cursor)} TO {name}")
        for table in tables:
            cursor.execute(f"REVOKE UPDATE, DELETE ON {quote(table)} FROM {name}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {quote_schema(cursor)} TO {name}")
    return tables


def quote_schema(cursor: Any) -> str:
    cursor.execute("SELECT quote_ident(current_schema())")
    return str(cursor.fetchone()[0])


@contextmanager
def owner_connection(owner_url: str, alias: str = DEFAULT_DB_ALIAS) -> Iterator[str]:
    """Within the block, `alias` connects as the owner role; yields the runtime user's name."""
    connection = connections[alias]
    runtime = dict(connection.settings_dict)
    owner = dj_database_url.parse(owner_url)
    connection.close()
    connection.settings_dict.update({key: owner[key] for key in ("NAME", "USER", "PASSWORD", "HOST", "PORT")})  # type: ignore[literal-required]
    try:
        yield str(runtime["USER"])
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(runtime)
