"""Reads: the foundation's profile as the public contact page shows it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from solidarity.foundation.models import EDITABLE_FIELDS, FoundationProfile


@dataclass(frozen=True)
class Profile:
    legal_name: str
    registration: str
    address: str
    email: str
    openpgp_fingerprint: str
    openpgp_key: str
    signal: str
    secure_drop_url: str
    onion_statement: str
    onion_url: str  # SOLIDARITY_ONION_URL: set by the deployment, not in the back office

    @property
    def fingerprint_groups(self) -> str:
        """The fingerprint in groups of four, as gpg prints it."""
        compact = "".join(self.openpgp_fingerprint.split()).upper()
        return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def setting_defaults() -> dict[str, str]:
    configured = getattr(settings, "SOLIDARITY_FOUNDATION", {}) or {}
    return {name: str(configured.get(name, "") or "") for name in EDITABLE_FIELDS}


def foundation_profile() -> Profile:
    """What the back office set, each empty field filled from the settings."""
    values = setting_defaults()
    row = FoundationProfile.objects.filter(pk=1).first()
    if row is not None:
        for name in EDITABLE_FIELDS:
            value = getattr(row, name)
            if value:
                values[name] = value
    return Profile(**values, onion_url=getattr(settings, "SOLIDARITY_ONION_URL", ""))
