"""Fixtures shared by the staff tests."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory


@pytest.fixture
def client() -> Client:
    """A browser with no session, and no login failures counted from earlier tests."""
    cache.clear()
    return Client(HTTP_HOST="127.0.0.1")


@pytest.fixture
def admin_user():
    """An admin ("root") with a confirmed authenticator."""
    user = UserFactory(username="root", is_superuser=True)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user
