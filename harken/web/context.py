from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from harken.accounts.models import User


def harken(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's unread notification count, for the top bar."""
    user = request.user
    if not isinstance(user, User) or not user.is_active:
        return {"unread_count": 0}
    return {"unread_count": user.notifications.filter(read_at__isnull=True).count()}
