"""Prepares the browser tests' database, inside the served site's own environment.

Run by the harness as ``python -m tests.e2e.server_side`` with the same environment as
gunicorn (production settings, the e2e database): migrates, collects the static files,
loads the demo data, adds one campaign that the staff journey pays out and closes, and
four staff members. Prints what the tests need as one JSON line on stdout.
"""

from __future__ import annotations

import json
import secrets
import sys
from decimal import Decimal
from typing import Any

from tests.e2e.back_office_samples import role_pages

STAFF_JOURNEY_SLUG = "e2e-lawyer-for-aliaksandr-k"


def _staff_member(username: str, *, with_device: bool) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    password = secrets.token_urlsafe(18)
    user = get_user_model().objects.create_user(username=username, password=password, is_staff=True)
    user.is_superuser = True
    user.save()
    key = ""
    if with_device:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
        key = device.key
    return {"username": username, "password": password, "totp_key_hex": key}


def _staff_journey_campaign() -> str:
    from solidarity.campaigns import services
    from solidarity.campaigns.models import Beneficiary, Campaign
    from solidarity.core.money import Money

    beneficiary = Beneficiary.objects.create(
        public_name="Aliaksandr K.", status="pre_trial", charges_en="Article 342 of the Criminal Code"
    )
    campaign = Campaign.objects.create(
        slug=STAFF_JOURNEY_SLUG,
        beneficiary=beneficiary,
        currency="EUR",
        title_en="A lawyer for Aliaksandr K.",
        title_ru="Адвокат для Александра К.",
        story_en="Aliaksandr was detained after a protest. His family needs to pay a lawyer for the trial.",
        story_ru="Александра задержали после акции протеста. Семье нужно оплатить адвоката на суде.",
    )
    services.add_need(
        campaign=campaign,
        category="legal_aid",
        description="Lawyer for the trial",
        amount=Money(Decimal("1000"), "EUR"),
        description_ru="Адвокат на суде",
    )
    services.submit_for_review(campaign=campaign)
    services.publish_campaign(campaign=campaign)
    return campaign.slug


def prepare() -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    from solidarity.demo.loader import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0, clear=True)
    load_demo()
    return {
        "staff": [
            _staff_member("anna", with_device=True),
            _staff_member("boris", with_device=False),
            _staff_member("clara", with_device=False),  # enrols a passkey (test_passkey_journey.py)
            _staff_member("dora", with_device=True),  # the admin who invites clara
            _staff_member("elena", with_device=True),  # reads the back office in Russian (test_backoffice_russian.py)
        ],
        "staff_journey_slug": _staff_journey_campaign(),
        # One member per role and every back-office page to try (test_role_pages.py).
        "role_pages": role_pages(),
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(prepare()) + "\n")
