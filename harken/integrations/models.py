from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    NOTES = "notes", "Notes"
    COMPANIES = "companies", "Companies"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the worker"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """A CSV upload, imported in the background; the page polls its progress."""

    kind = models.CharField(max_length=16, choices=ImportKind.choices)
    filename = models.CharField(max_length=255)
    content = models.TextField()
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} import {self.filename}"

    @property
    def percent(self) -> int:
        return 100 if not self.total_rows else int(100 * self.processed_rows / self.total_rows)
