from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidarity.publiclog.verify_bundle import verify_bundle


class Command(BaseCommand):
    help = (
        "Verify a public log bundle (from export_log) without touching the database. "
        "The same check runs without Django: python -m solidarity.publiclog.verify_bundle DIR."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--public-key", type=Path, help="PEM public key obtained elsewhere, to pin")
        parser.add_argument("--previous", type=Path, help="an older bundle of the same log that this one must extend")

    def handle(self, *args: Any, **options: Any) -> None:
        pinned = options["public_key"].read_bytes() if options["public_key"] else None
        report = verify_bundle(options["directory"], pinned_key_pem=pinned, previous=options["previous"])
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(f"bundle verification failed: {report.problems[0]}")
        self.stdout.write(
            f"bundle OK: {report.entries} entries, {report.checkpoints} checkpoints, "
            f"tree size {report.tree_size}, root {report.root_hash}"
        )
