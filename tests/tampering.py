"""What an attacker with database access does before rewriting history: switch the guards off."""

from __future__ import annotations

from typing import Any

from django.db import connection


def switch_guards_off(cur: Any, *tables: str) -> None:
    """On PostgreSQL, make deferred checks immediate and disable the append-only trigger of each
    table, inside the current transaction (so the test's rollback puts them back)."""
    if connection.vendor == "postgresql":
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cur.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
