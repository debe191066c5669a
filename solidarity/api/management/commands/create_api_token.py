"""Make a staff API token from the server's shell; prints the secret once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from solidarity.api.tokens import MAX_DAYS, create_api_token
from solidarity.core.errors import DomainError


class Command(BaseCommand):
    help = "Create an API token for a staff user and print it once (it is stored only as a hash)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for.")
        parser.add_argument("--days", type=int, default=30, help=f"Days until it expires (1–{MAX_DAYS}, default 30).")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            help="A role the token may act in (repeat); default: all of the user's.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']!r}.")
        try:
            created = create_api_token(
                user=user, name=options["name"], days=options["days"], scopes=options["scopes"], actor=None
            )
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        token = created.token
        self.stderr.write(
            f"Token {token.prefix}… for {user.get_username()} ({', '.join(token.scopes)}), "
            f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC. Shown once:"
        )
        self.stdout.write(created.secret)
