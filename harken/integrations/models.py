from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone


class ImportKind(models.TextChoices):
    NOTES = "notes", "Notes"
    COMPANIES = "companies", "Companies"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the worker"
    RUNNING = "running", "Importing"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# A batch of ~2,000 rows takes well under a second, so ten quiet minutes mean no worker.
ABANDONED_AFTER = timedelta(minutes=10)


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
    updated_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # [{"row", "column", "message"}], the first MAX_ERRORS of them; rejected_count is exact.
    errors = models.JSONField(default=list, blank=True)
    # How the file was read (encoding, format) and what was created on the side.
    notices = models.JSONField(default=list, blank=True)
    # Why a failed import stopped.
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Set when a worker claims the job and after every batch: a running job whose progress
    # is older than ABANDONED_AFTER lost its worker.
    progress_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} import {self.filename}"

    @property
    def percent(self) -> int:
        if self.status == ImportStatus.DONE or not self.total_rows:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, int(100 * self.processed_rows / self.total_rows))

    @property
    def stalled(self) -> bool:
        """Still waiting for a worker a while after upload: is `harken worker` running?"""
        waited = timezone.now() - self.created_at
        return self.status == ImportStatus.PENDING and waited > timedelta(seconds=30)

    @property
    def abandoned(self) -> bool:
        """Running, but no batch has been written for ABANDONED_AFTER: its worker is gone."""
        last = self.progress_at or self.created_at
        return self.status == ImportStatus.RUNNING and timezone.now() - last > ABANDONED_AFTER

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
