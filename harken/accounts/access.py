from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from harken.accounts.models import ApiToken, Role, User
from harken.lib.errors import NotAllowed, NotFound


def staff(user: User | AnonymousUser) -> User:
    """The user as a signed-in staff member, or NotAllowed."""
    if not isinstance(user, User) or not user.is_active:
        raise NotAllowed("Sign in first.")
    return user


def require_role(user: User | AnonymousUser, role: Role, doing: str) -> User:
    member = staff(user)
    if not member.has_role(role):
        label = role.label.lower()
        article = "an" if label[0] in "aeiou" else "a"
        raise NotAllowed(f"Only {article} {label} or above may {doing}.")
    return member


def access_token(user: User | AnonymousUser, token_id: int) -> ApiToken:
    """One of the user's own API tokens; an admin may reach anyone's."""
    member = staff(user)
    tokens = ApiToken.objects.all()
    if not member.has_role(Role.ADMIN):
        tokens = tokens.filter(user=member)
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound("token")
    return token


def access_user(user: User | AnonymousUser, user_id: int) -> User:
    """Another staff account, for the admin's user settings."""
    return access_teammate(require_role(user, Role.ADMIN, "manage users"), user_id)


def access_teammate(user: User | AnonymousUser, user_id: int) -> User:
    """Any staff account, as a reference (an assignee, an account owner): any member may look."""
    staff(user)
    target = User.objects.filter(pk=user_id).first()
    if target is None:
        raise NotFound("user")
    return target
