from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidarity.publiclog.backups import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup from `manage.py backup` into the empty database of DATABASE_URL (as "
        "DATABASE_OWNER_URL's role when set, then granting the runtime role): decrypt it with "
        "SOLIDARITY_BACKUP_IDENTITY_FILE, verify its public log, load the dump, check the signed root. "
        "Then run verify_ledger."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="a solidarity-….tar.age file")
        parser.add_argument(
            "--identity-file", type=Path, help="age identity file (default SOLIDARITY_BACKUP_IDENTITY_FILE)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        identity = options["identity_file"] or settings.SOLIDARITY_BACKUP_IDENTITY_FILE
        if not identity:
            raise CommandError("restore needs the age identity: --identity-file or SOLIDARITY_BACKUP_IDENTITY_FILE")
        try:
            result = restore_backup(archive=options["archive"], identity_file=Path(identity))
        except BackupError as exc:
            raise CommandError(f"restore failed: {exc.message}") from exc
        self.stdout.write(
            f"restored the backup of {result.created_at}: public log tree size {result.tree_size}, "
            f"root {result.root_hash or '-'}"
            + (f"; runtime role {result.runtime_role} granted" if result.runtime_role else "")
        )
        self.stdout.write("next: manage.py verify_ledger")
