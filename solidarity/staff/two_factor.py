"""Staff second factors: the authenticator a login is checked against, and its confirmation."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice


def device_to_verify(user: Any) -> TOTPDevice:
    """The user's confirmed authenticator, else the one being enrolled (created on first use)."""
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    device = confirmed or TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def confirm_device(device: TOTPDevice) -> None:
    """Mark an enrolled authenticator as confirmed once a first code from it was accepted."""
    with transaction.atomic():
        if not device.confirmed:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
