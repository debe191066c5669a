"""What a staff member does at the login's two steps, shared by the staff tests."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "correct horse battery staple"
ENROLMENT_PATH = re.compile(r"/staff/enrol/[A-Za-z0-9_-]+/")


def code(device: TOTPDevice) -> str:
    """The code the authenticator app shows now."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=0):06d}"


def password_login(client: Client, username: str, password: str = PASSWORD, next_path: str = "/staff/") -> Any:
    return client.post(
        f"/staff/login/?next={next_path}", {"username": username, "password": password, "next": next_path}
    )


def verified_login(client: Client, username: str, device: TOTPDevice) -> None:
    """Both steps: password, then the authenticator's code."""
    password_login(client, username)
    response = client.post("/staff/two-factor/", {"token": code(device)})
    assert response.status_code == 302, response.content.decode()[:500]
