from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from solidarity.demo.loader import DEMO_STAFF_USERNAME, ensure_demo_totp, load_demo


class Command(BaseCommand):
    help = "Load the demo campaigns (idempotent) and print a fresh staff login for the back office."

    def handle(self, *args: Any, **options: Any) -> None:
        created, password = load_demo()
        self.stdout.write(f"demo campaigns created: {', '.join(created) if created else 'none (already loaded)'}")
        self.stdout.write("")
        self.stdout.write("  Back office: http://127.0.0.1:8000/staff/")
        secret = ensure_demo_totp(get_user_model().objects.get(username=DEMO_STAFF_USERNAME))
        self.stdout.write(f"  Staff login: {DEMO_STAFF_USERNAME} / {password}")
        self.stdout.write(f"  Second factor: add the TOTP secret {secret} to an authenticator app,")
        self.stdout.write("  or print the current code with: .venv/bin/python manage.py demo_totp_code")
        self.stdout.write("")
