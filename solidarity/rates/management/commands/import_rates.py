from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from solidarity.core.errors import DomainError
from solidarity.rates.exchange import import_ecb_rates

MAX_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = "Import ECB euro reference rates from a file or an https URL (daily or historical XML)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="path or https:// URL of eurofxref-daily.xml / eurofxref-hist.xml")

    def handle(self, *args: Any, source: str, **options: Any) -> None:
        try:
            if source.startswith("https://"):  # the only scheme fetched; file:// and others are refused below
                with urllib.request.urlopen(source, timeout=30) as response:  # noqa: S310  # nosec B310
                    data = response.read(MAX_BYTES + 1)
            elif "://" in source:
                raise CommandError("Only https:// URLs are fetched.")
            else:
                data = Path(source).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {source}: {exc}") from exc
        if len(data) > MAX_BYTES:
            raise CommandError(f"{source} is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        try:
            new, known = import_ecb_rates(data)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"rates imported: {new} new, {known} already known")
