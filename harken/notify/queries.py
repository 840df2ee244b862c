"""Read models for the notifications page."""

from __future__ import annotations

from django.db.models import Q

from harken.accounts.models import User
from harken.lib.paging import Page, decode_cursor, encode_cursor
from harken.notify.models import Notification


def notifications_page(
    user: User, cursor: str | None = None, limit: int = 30
) -> Page[Notification]:
    """A page of the user's notifications, newest first, in one query."""
    qs = Notification.objects.filter(user=user)
    if cursor:
        moment, pk = decode_cursor(cursor)
        qs = qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=pk))
    rows = list(qs.select_related("actor").order_by("-created_at", "-id")[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].pk)
    return Page(rows, next_cursor)
