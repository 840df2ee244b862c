"""Prints a write token for a benchmark user (created if missing)."""

from __future__ import annotations

import django

django.setup()

from harken.accounts.actions import do_create_token, do_create_user  # noqa: E402
from harken.accounts.models import Role, TokenScope, User  # noqa: E402

user = User.objects.filter(username="bench").first() or do_create_user(
    None, "bench", "bench@harken.test", Role.MAKER
)
print(do_create_token(None, user, "bench", TokenScope.WRITE)[1])
