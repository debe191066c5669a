"""The runtime role cannot rewrite history; the owner cannot truncate it (PostgreSQL only).

The application connects as a role that `grant_runtime_role` set up. As that role, every
way of changing an append-only table — UPDATE, DELETE, TRUNCATE, switching its triggers
off, dropping them, or turning all triggers off with `session_replication_role` — is
refused by PostgreSQL, while the application's own writes (a staff donation, with its
balanced ledger transaction and its audit entry) still go through.

The role is created inside the test's transaction, so the rollback at the end removes it
and its grants again, even when the test fails.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from solidarity.core.db_roles import append_only_tables
from solidarity.core.money import Money
from solidarity.donations.services import record_staff_donation
from solidarity.ledger.models import Posting

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

APPEND_ONLY = ["ledger_checkpoint", "ledger_logentry", "ledger_posting", "ledger_transaction", "staff_auditentry"]


@pytest.fixture
def runtime_role(on_postgres: None) -> str:
    role = f"solidarity_runtime_test_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cur:
        cur.execute(f'CREATE ROLE "{role}" NOLOGIN')
    call_command("grant_runtime_role", role)
    return role


class As:
    """Run statements as `role` within the test transaction, each in its own savepoint."""

    def __init__(self, role: str) -> None:
        self.role = role

    def __enter__(self) -> As:
        with connection.cursor() as cur:
            cur.execute(f'SET ROLE "{self.role}"')
        return self

    def __exit__(self, *exc: Any) -> None:
        with connection.cursor() as cur:
            cur.execute("RESET ROLE")

    def refused(self, sql: str) -> str:
        """The error PostgreSQL gives for `sql`; fails the test if it succeeds."""
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(sql)
        except DatabaseError as exc:
            return str(exc)
        raise AssertionError(f"{sql!r} was allowed")


def test_the_append_only_tables_are_those_with_the_trigger(on_postgres: None) -> None:
    assert append_only_tables(connection) == APPEND_ONLY


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_the_runtime_role_cannot_change_an_append_only_table(runtime_role: str, table: str) -> None:
    trigger = f"{table}_append_only"
    with As(runtime_role) as role:
        assert "permission denied" in role.refused(f"UPDATE {table} SET id = id")  # noqa: S608 - fixed names
        assert "permission denied" in role.refused(f"DELETE FROM {table}")  # noqa: S608 - fixed names
        assert "permission denied" in role.refused(f"TRUNCATE {table}")
        assert "must be owner" in role.refused(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        assert "must be owner" in role.refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
        assert "must be owner" in role.refused(f"DROP TRIGGER {trigger} ON {table}")
        assert "must be owner" in role.refused(f"DROP TRIGGER {table}_no_truncate ON {table}")
        assert "must be owner" in role.refused(f"ALTER TABLE {table} RENAME TO {table}_old")
        assert "permission denied" in role.refused("SET session_replication_role = replica")
        assert "permission denied" in role.refused("SET LOCAL session_replication_role = replica")


def test_the_runtime_role_cannot_replace_the_guard_function(runtime_role: str) -> None:
    with As(runtime_role) as role:
        replace = (
            "CREATE OR REPLACE FUNCTION solidarity_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        assert "must be owner" in role.refused(replace) or "permission denied" in role.refused(replace)


def test_the_runtime_role_records_a_staff_donation(runtime_role: str, campaign: Any, staff_user: Any) -> None:
    with As(runtime_role):
        recorded = record_staff_donation(
            campaign=campaign, amount=Money(Decimal(25), "EUR"), channel="cash", actor=staff_user
        )
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the balance trigger runs now, as this role
            cur.execute("SELECT current_user")
            assert cur.fetchone()[0] == runtime_role
    postings = Posting.objects.filter(transaction_id=recorded.donation.ledger_transaction_id)
    assert sorted(p.amount_minor for p in postings) == [-2500, 2500]


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_even_the_owner_cannot_truncate_an_append_only_table(on_postgres: None, table: str) -> None:
    with pytest.raises(DatabaseError, match="append-only: TRUNCATE"), transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"TRUNCATE {table} CASCADE")


def test_granting_a_superuser_is_refused(on_postgres: None) -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        me = cur.fetchone()[0]
    with pytest.raises(CommandError, match=r"superuser|owns tables"):
        call_command("grant_runtime_role", me)
