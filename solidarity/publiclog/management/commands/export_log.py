from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from solidarity.publiclog.export import export_bundle


class Command(BaseCommand):
    help = "Write the public log (checkpoints, entries, public key, README) into DIR for offline verification."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        result = export_bundle(options["directory"])
        self.stdout.write(
            f"exported {result.tree_size} entries and {result.checkpoints} checkpoints to {result.directory}"
        )
