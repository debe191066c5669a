"""Fixtures for the API tests: staff users in roles, their tokens, and a cookie-less client."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from solidarity.api.tokens import create_api_token
from tests.factories import staff_with_role


@dataclass(frozen=True)
class Staff:
    user: Any
    secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.secret}"}


def staff_token(role: str, username: str | None = None, **kwargs: Any) -> Staff:
    user = staff_with_role(role, username=username)
    created = create_api_token(user=user, name=f"{role} test", days=kwargs.pop("days", 30), actor=None, **kwargs)
    return Staff(user=user, secret=created.secret)


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> None:
    cache.clear()


@pytest.fixture
def api() -> Client:
    """Checks CSRF like a browser would, so that a passing POST proves none is needed."""
    return Client(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)


@pytest.fixture
def finance(db: Any) -> Staff:
    return staff_token("finance")


@pytest.fixture
def editor(db: Any) -> Staff:
    return staff_token("editor")


# Operation ids the schemathesis test fuzzed (filled by tests/api/test_schemathesis.py).
FUZZED: set[str] = set()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Report how many operations schemathesis fuzzed, whether or not output is captured."""
    if FUZZED:
        terminalreporter.write_line(f"schemathesis: {len(FUZZED)} operations fuzzed ({', '.join(sorted(FUZZED))})")
