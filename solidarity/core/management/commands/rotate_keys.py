from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from solidarity.core.crypto import DecryptionFailed
from solidarity.core.key_rotation import rotate_all_keys
from solidarity.core.progress import ProgressBar
from solidarity.core.shredding import rewrap_all_data_keys


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field and re-wrap every data key with the newest key in "
        "SOLIDARITY_ENCRYPTION_KEYS (put the new key first, keep the old ones after it, run this, "
        "then drop the old keys)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if len(settings.SOLIDARITY_ENCRYPTION_KEYS) < 2:
            self.stdout.write("note: only one key is configured; values are re-encrypted under it")
        try:
            count = rotate_all_keys(progress=ProgressBar(self.stderr, label="re-encrypting "))
            wrapped = rewrap_all_data_keys(progress=ProgressBar(self.stderr, label="re-wrapping data keys "))
        except DecryptionFailed as exc:
            raise CommandError(f"{exc} Keep every key still in use in SOLIDARITY_ENCRYPTION_KEYS.") from exc
        self.stdout.write(f"re-encrypted {count} value(s) and re-wrapped {wrapped} data key(s) with the newest key")
