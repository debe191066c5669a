from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from tests.factories import UserFactory, active_campaign

pytest_plugins = ["tests.stripe_fake.fixtures"]


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language() -> None:
    """A page fetched through the test client leaves its language active in this thread
    (LocaleMiddleware activates it and does not undo it; each real request activates its
    own). Refusals are translated when raised, so a test must not inherit the language of
    the test before it."""
    translation.deactivate()


@pytest.fixture
def staff_user(db: Any) -> Any:
    return UserFactory(username="finance", is_superuser=True)


@pytest.fixture
def campaign(db: Any) -> Any:
    return active_campaign(currency="EUR", goal="1100")


@pytest.fixture
def on_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


def pytest_configure(config: Any) -> None:
    """Let transactional tests empty the database on PostgreSQL despite the TRUNCATE guards.

    Django's flush (run after each `transaction=True` test) truncates every table; the
    append-only tables refuse TRUNCATE by trigger (ledger migration 0008). The test
    database user is a superuser, so the flush skips triggers for its own transaction, as
    only a superuser can; the application's roles cannot (tests/ledger/test_database_roles.py).
    """
    try:
        from django.db.backends.postgresql.operations import DatabaseOperations
    except ImportError:  # no psycopg: SQLite only
        return
    flush = DatabaseOperations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        statements = flush(self, style, tables, **kwargs)
        return ["SET LOCAL session_replication_role = replica", *statements] if statements else statements

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]
