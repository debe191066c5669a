from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from solidarity.core.db_roles import RoleError, grant_runtime_role


class Command(BaseCommand):
    help = (
        "Run as the owner role: let ROLE (the application's runtime role) read and write ordinary "
        "tables and only SELECT and INSERT the append-only ones. `migrate` runs this itself when "
        "DATABASE_OWNER_URL is set. PostgreSQL only."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="the runtime role (the user in DATABASE_URL)")

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            raise CommandError("database roles need PostgreSQL")
        try:
            tables = grant_runtime_role(connection, options["role"])
        except RoleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"granted {options['role']}: full access to ordinary tables, SELECT and INSERT only on " + ", ".join(tables)
        )
