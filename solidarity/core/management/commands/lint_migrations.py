"""`manage.py lint_migrations`: refuse migrations that would break the previous release or
lock a big table during a rolling deploy (solidarity/core/migration_lint.py, docs/upgrades.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from solidarity.core.migration_lint import lint_project, read_deployed

DEPLOYED = Path(settings.BASE_DIR) / "tests" / "fixtures" / "previous_release" / "migrations.txt"


class Command(BaseCommand):
    help = "Refuse migrations that would break the previous release or lock a big table during a rolling deploy."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--deployed",
            type=Path,
            default=DEPLOYED,
            help="the migrations the previous release applied, one 'app name' a line (default: %(default)s)",
        )

    def handle(self, *args: Any, deployed: Path, **options: Any) -> None:
        if not deployed.is_file():
            raise CommandError(
                f"{deployed} does not exist: it lists the migrations already deployed (docs/upgrades.md)"
            )
        problems = lint_project(deployed=read_deployed(deployed), root=Path(settings.BASE_DIR))
        for problem in problems:
            self.stderr.write(str(problem))
        if problems:
            raise CommandError(f"{len(problems)} migration operation(s) unsafe for a rolling deploy (docs/upgrades.md)")
        self.stdout.write("Every new migration is safe for a rolling deploy.")
