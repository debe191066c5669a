from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client

from solidarity.helprequests.models import HelpRequest
from solidarity.helprequests.services import submit_help_request
from tests.helprequests.samples import submission
from tests.public_forms import FormClient


@pytest.fixture
def help_request(db: Any) -> HelpRequest:
    return submit_help_request(**submission())


@pytest.fixture
def public_client() -> Client:
    cache.clear()
    return FormClient(HTTP_HOST="127.0.0.1", enforce_csrf_checks=True)


def back_office_client(user: Any) -> Client:
    """A logged-in staff client, past the second factor when the back office demands one."""
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
