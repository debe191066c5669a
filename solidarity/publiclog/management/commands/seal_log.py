from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidarity.publiclog.sealing import LogIntegrityError, seal_log


class Command(BaseCommand):
    help = "Append every unsealed ledger transaction to the public log and sign a checkpoint (for cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="entries committed per database transaction")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = seal_log(batch_size=max(1, options["batch_size"]))
        except LogIntegrityError as exc:
            raise CommandError(f"sealing refused: {exc}") from exc
        if result.development_key:
            self.stderr.write(
                "WARNING: SOLIDARITY_LOG_SIGNING_KEY is not set; checkpoints are signed with a development key "
                "derived from SECRET_KEY. Never publish such a log."
            )
        if result.checkpoint is None and not result.sealed:
            self.stdout.write(f"log already sealed: tree size {result.tree_size}, root {result.root_hash or '-'}")
        else:
            self.stdout.write(
                f"sealed {result.sealed} entries; checkpoint at tree size {result.tree_size}, root {result.root_hash}"
            )
