"""harken createadmin USERNAME --email EMAIL: create a Harken admin (role admin).

Django's createsuperuser makes a superuser whose Harken role stays "viewer"; this makes a
user Harken itself treats as an admin.
"""

from __future__ import annotations

import getpass
import os
from argparse import ArgumentParser
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from harken.accounts.actions import do_create_user
from harken.accounts.models import Role
from harken.lib.errors import ActionError


class Command(BaseCommand):
    help = (
        "Create a Harken admin. The password is asked for, or read from "
        "HARKEN_ADMIN_PASSWORD when --no-input is given."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", required=True)
        parser.add_argument("--no-input", action="store_true", dest="no_input")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["no_input"]:
            password = os.environ.get("HARKEN_ADMIN_PASSWORD", "")
            if not password:
                raise CommandError("Set HARKEN_ADMIN_PASSWORD, or run without --no-input.")
        else:
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The passwords differ.")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        try:
            with transaction.atomic():
                user = do_create_user(
                    None, options["username"], options["email"], Role.ADMIN, password=password
                )
        except ActionError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"Created admin {user.username}.")
