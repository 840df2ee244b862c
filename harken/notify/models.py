from __future__ import annotations

from django.conf import settings
from django.db import models


class Notification(models.Model):
    """An in-app notification for one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=64)
    text = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The unread count in the top bar: (user, read_at IS NULL).
            models.Index(fields=["user", "read_at", "-created_at"], name="notif_user"),
            # The notifications page: newest first, read or not.
            models.Index(fields=["user", "-created_at", "-id"], name="notif_user_recent"),
        ]

    def __str__(self) -> str:
        return self.text[:80]
