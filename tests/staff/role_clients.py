"""A browser-like client of a staff member in one role, past both login steps."""

from __future__ import annotations

from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import staff_with_role
from tests.staff.second_step import verified_login


def verified_client(role: str) -> Client:
    """Log in a fresh member of `role` with a password and an authenticator code."""
    cache.clear()  # login throttling counts per username in the cache
    user = staff_with_role(role)
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client(HTTP_HOST="127.0.0.1")
    verified_login(client, user.username, device)
    return client
