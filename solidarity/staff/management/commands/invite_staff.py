"""Print a one-time enrolment link for a staff account (the first admin on a fresh install)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidarity.core.errors import DomainError
from solidarity.staff.enrolment import invite_to_enrol, reset_second_factors


class Command(BaseCommand):
    help = (
        "Print a one-time link with which a staff account enrols its second factor "
        f"(valid {settings.SOLIDARITY_ENROLMENT_LINK_HOURS} hours, after that account's password login)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Lost device: first remove every authenticator and recovery code of the account.",
        )

    def handle(self, *args: Any, username: str, reset: bool = False, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account named {username!r}. Create it first (manage.py createsuperuser).")
        try:
            if reset:
                path = reset_second_factors(user=user, reset_by=None)
            else:
                path = invite_to_enrol(user=user, created_by=None)
        except DomainError as refused:
            raise CommandError(refused.message) from refused
        self.stdout.write(
            f"Enrolment link for {username} (works once, within {settings.SOLIDARITY_ENROLMENT_LINK_HOURS} hours):"
        )
        self.stdout.write(f"  {settings.SOLIDARITY_PUBLIC_URL}{path}")
        self.stdout.write("Open it, log in with that account's password and scan the code with an authenticator app.")
