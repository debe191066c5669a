from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidarity.publiclog.backups import BackupError, create_backup, prune_backups


class Command(BaseCommand):
    help = (
        "Write an encrypted backup: the whole database (pg_dump) and the exported public log in one "
        "file, age-encrypted for SOLIDARITY_BACKUP_RECIPIENTS, into SOLIDARITY_BACKUP_DIR/logical "
        "(or --output-dir). The field keys are not in it: keep them separately."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--output-dir", type=Path, help="folder for the backup file")
        parser.add_argument("--keep", type=int, default=30, help="keep the newest N backups there, remove older (30)")

    def handle(self, *args: Any, **options: Any) -> None:
        output_dir = options["output_dir"] or Path(settings.SOLIDARITY_BACKUP_DIR) / "logical"
        try:
            result = create_backup(output_dir=output_dir, recipients=settings.SOLIDARITY_BACKUP_RECIPIENTS)
            removed = prune_backups(folder=output_dir, keep=options["keep"])
        except BackupError as exc:
            raise CommandError(f"backup failed: {exc.message}") from exc
        self.stdout.write(
            f"backup written to {result.path} ({result.size_bytes} bytes, encrypted); "
            f"public log tree size {result.tree_size}, root {result.root_hash or '-'}"
        )
        if removed:
            self.stdout.write(f"removed {len(removed)} older backup(s) (keeping {options['keep']})")
