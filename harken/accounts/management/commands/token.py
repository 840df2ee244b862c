"""harken token create USERNAME --scope read|write [--name NAME]: print a new API token."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from harken.accounts.actions import do_create_token
from harken.accounts.models import TokenScope, User
from harken.lib.errors import ActionError


class Command(BaseCommand):
    help = "Manage API tokens from the server's command line."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="create")
        create = sub.add_parser(
            "create",
            help="create a token for a user and print it (shown once, never stored)",
        )
        create.add_argument("username", help="the user the token acts as")
        create.add_argument(
            "--scope",
            required=True,
            help="read (GET only) or write",
        )
        create.add_argument("--name", default="command line", help="what the token is for")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username} is deactivated; reactivate them first.")
        scope = options["scope"].strip().lower()
        if scope not in TokenScope.values:
            raise CommandError(
                f"--scope must be one of: {', '.join(TokenScope.values)} "
                f"(got {options['scope']!r})."
            )
        try:
            token, raw = do_create_token(None, user, options["name"], TokenScope(scope))
        except ActionError as exc:
            raise CommandError(exc.message) from None
        # The token alone on stdout, so `TOKEN=$(harken token create ...)` works.
        self.stdout.write(raw)
        self.stderr.write(
            f"Created {token.get_scope_display().lower()} token {token.prefix}… "
            f"“{token.name}” for {user.username}. It is shown only this once."
        )
