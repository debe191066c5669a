from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from tests.factories import UserFactory, active_campaign

pytest_plugins = ["tests.stripe_fake.fixtures"]


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
