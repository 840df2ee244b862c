from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from harken.accounts.models import Role, User
from harken.lib.errors import NotAllowed


def staff(user: User | AnonymousUser) -> User:
    """The user as a signed-in staff member, or NotAllowed."""
    if not isinstance(user, User) or not user.is_active:
        raise NotAllowed("Sign in first.")
    return user


def require_role(user: User | AnonymousUser, role: Role, doing: str) -> User:
    member = staff(user)
    if not member.has_role(role):
        raise NotAllowed(f"Only a {role.label.lower()} or above may {doing}.")
    return member
