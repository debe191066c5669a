"""Print the back-office page table, or write it into docs/security.md (`--write`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from solidarity.staff.page_access import SECURITY_DOC, document_with_table, render_pages_table


class Command(BaseCommand):
    help = "Print which roles may open each back-office page; --write puts the table into docs/security.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="rewrite the table in docs/security.md")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["write"]:
            self.stdout.write(render_pages_table())
            return
        text = SECURITY_DOC.read_text(encoding="utf-8")
        SECURITY_DOC.write_text(document_with_table(text), encoding="utf-8")
        self.stdout.write(f"wrote the table into {SECURITY_DOC}")
