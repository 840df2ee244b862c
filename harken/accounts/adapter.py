from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class StaffAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Staff accounts are made by an admin, never by self sign-up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
