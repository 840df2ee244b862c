"""Who the token acts as, and the teammates a client can assign notes to."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import codes_4xx

from harken.accounts.access import staff
from harken.accounts.models import User
from harken.accounts.schemas import MeOut, UserPage
from harken.api.auth import token_of
from harken.api.paging import offset_page
from harken.api.schemas import ErrorOut, Paging
from harken.lib.paging import Page

router = Router(tags=["accounts"])


@router.get("/me", response={200: MeOut, codes_4xx: ErrorOut})
def me(request: HttpRequest) -> dict[str, Any]:
    """The user and token this request acts as."""
    token = token_of(request)
    return {
        "user": token.user,
        "token_name": token.name,
        "token_scope": token.scope,
        "token_created_at": token.created_at,
    }


@router.get("/users", response={200: UserPage, codes_4xx: ErrorOut})
def list_users(request: HttpRequest, paging: Query[Paging]) -> Page[User]:
    """Staff accounts, active ones first: the ids to assign notes or accounts to."""
    staff(token_of(request).user)
    users = User.objects.order_by("-is_active", "username", "id")
    return offset_page(users, paging.cursor, paging.limit)
