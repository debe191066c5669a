"""`migrate`, run as the owner role when DATABASE_OWNER_URL is set.

The application connects as the runtime role (DATABASE_URL), which may not create or
alter tables; migrations connect as the owner (DATABASE_OWNER_URL) and then grant the
runtime role its privileges on whatever the migrations created. Without
DATABASE_OWNER_URL (development, SQLite, tests) this is Django's own migrate.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import DEFAULT_DB_ALIAS

from solidarity.core.db_roles import owner_connection


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        owner_url = getattr(settings, "DATABASE_OWNER_URL", "")
        if not owner_url or options["database"] != DEFAULT_DB_ALIAS:
            super().handle(*args, **options)
            return
        with owner_connection(owner_url) as runtime_user:
            super().handle(*args, **options)
            call_command("grant_runtime_role", runtime_user, stdout=self.stdout, verbosity=options["verbosity"])
