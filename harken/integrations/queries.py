from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from harken.accounts.models import User
from harken.integrations.access import visible_imports
from harken.integrations.models import ImportJob


def recent_imports(user: User | AnonymousUser, limit: int = 20) -> list[ImportJob]:
    """The latest imports this user may see, without their (possibly large) content."""
    return list(
        visible_imports(user)
        .select_related("created_by")
        .defer("content", "errors")
        .order_by("-created_at", "-id")[:limit]
    )
