from __future__ import annotations

from harken.accounts.models import User
from harken.notify.models import Notification


def notify(user_id: int, actor: User | None, verb: str, text: str, url: str = "") -> Notification:
    """An in-app notification, written in the caller's transaction so it commits with it."""
    return Notification.objects.create(user_id=user_id, actor=actor, verb=verb, text=text, url=url)


def do_mark_read(user: User, notification_ids: list[int] | None = None) -> int:
    from django.utils import timezone

    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
