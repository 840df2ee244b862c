"""What the accounts endpoints answer."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema

from harken.accounts.models import Role, TokenScope


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    role: Role
    is_active: bool


class UserPage(Schema):
    items: list[UserOut]
    next_cursor: str | None


class MeOut(Schema):
    user: UserOut
    token_name: str
    token_scope: TokenScope
    token_created_at: datetime
