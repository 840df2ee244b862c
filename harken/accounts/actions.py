from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction

from harken.accounts.access import require_role
from harken.accounts.models import ApiToken, Role, TokenScope, User
from harken.audit.actions import audit
from harken.lib.errors import ActionError

TOKEN_PREFIX = "hk_"  # noqa: S105 - a public marker, lets secret scanners spot leaked tokens


def do_create_user(
    actor: User | None,
    username: str,
    email: str,
    role: Role,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a staff user; `actor` None is the command line."""
    if actor is not None:
        require_role(actor, Role.ADMIN, "manage users")
    if role not in Role.values:
        raise ActionError(f"Role must be one of: {', '.join(Role.values)}.", field="role")
    if not username.strip():
        raise ActionError("A user needs a username.", field="username")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username.strip(),
                email=email.strip().lower(),
                password=password,
                role=role,
                first_name=first_name,
                last_name=last_name,
                is_staff=role == Role.ADMIN,
                is_superuser=role == Role.ADMIN,
            )
            audit(actor, "user.created", user, {"username": user.username, "role": role})
    except IntegrityError:
        raise ActionError(f"The username {username!r} is taken.", field="username") from None
    return user


def do_set_role(actor: User, user: User, role: Role) -> User:
    require_role(actor, Role.ADMIN, "change roles")
    if role not in Role.values:
        raise ActionError(f"Role must be one of: {', '.join(Role.values)}.", field="role")
    if user.pk == actor.pk and role != Role.ADMIN:
        raise ActionError("You cannot take away your own admin role.", field="role")
    with transaction.atomic():
        old = user.role
        user.role = role
        # Django's admin site is for Harken admins only.
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.save(update_fields=["role", "is_staff", "is_superuser"])
        audit(actor, "user.role_changed", user, {"role": [old, role]})
    return user


def do_set_active(actor: User, user: User, active: bool) -> User:
    require_role(actor, Role.ADMIN, "deactivate users")
    if user.pk == actor.pk:
        raise ActionError("You cannot deactivate yourself.")
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit(actor, "user.activated" if active else "user.deactivated", user)
    return user


def do_create_token(
    actor: User | None, user: User, name: str, scope: TokenScope
) -> tuple[ApiToken, str]:
    """A new API token for `user`; the raw token is returned once and never stored."""
    if actor is not None and actor.pk != user.pk:
        require_role(actor, Role.ADMIN, "create tokens for others")
    if scope not in TokenScope.values:
        raise ActionError("Scope must be read or write.", field="scope")
    if scope == TokenScope.WRITE and not user.has_role(Role.CONTRIBUTOR):
        raise ActionError("A viewer can only have read tokens.", field="scope")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100] or "API token",
            scope=scope,
            digest=ApiToken.digest_of(raw),
            prefix=raw[:10],
        )
        audit(actor, "token.created", token, {"user": user.pk, "scope": scope})
    return token, raw


def do_revoke_token(actor: User, token: ApiToken) -> None:
    if token.user_id != actor.pk:
        require_role(actor, Role.ADMIN, "revoke other people's tokens")
    with transaction.atomic():
        audit(actor, "token.revoked", token, {"user": token.user_id})
        token.delete()
