from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from solidarity.demo.loader import DEMO_STAFF_USERNAME


class Command(BaseCommand):
    help = "Development only: print the demo staff account's current TOTP code."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_totp_code works only in development (DJANGO_DEBUG on).")
        device = TOTPDevice.objects.filter(user__username=DEMO_STAFF_USERNAME, name="demo authenticator").first()
        if device is None:
            raise CommandError("No demo authenticator: run `manage.py load_demo` first.")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{code:0{device.digits}d}")
