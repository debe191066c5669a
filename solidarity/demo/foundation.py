"""The demo's fictional foundation, so that /<lang>/contact/ shows every part of the page."""

from __future__ import annotations

from typing import Any

from solidarity.foundation.models import FoundationProfile
from solidarity.foundation.services import update_foundation_profile

DEMO_PROFILE = {
    "legal_name": "Solidarity Foundation e.V. (demo)",
    "registration": "Demo only: a fictional registered association, VR 00000 B",
    "address": "Demo Street 1\n10115 Berlin\nGermany",
    "email": "contact@solidarity.example",
    "openpgp_fingerprint": "0000 1111 2222 3333 4444  5555 6666 7777 8888 9999",
    "signal": "solidarity.01 (demo)",
    "secure_drop_url": "http://demo-secure-drop.example/",
}


def ensure_demo_foundation(actor: Any) -> None:
    """Fill the foundation profile once; a profile staff edited is left alone."""
    if not FoundationProfile.objects.filter(pk=1).exclude(legal_name="").exists():
        update_foundation_profile(actor=actor, **DEMO_PROFILE)
