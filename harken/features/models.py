from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Area(models.Model):
    """A node of the product -> area (component / stage) tree, owned by a product manager."""

    name = models.CharField(max_length=120)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="area_unique_name_in_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class StatusCategory(models.TextChoices):
    OPEN = "open", "Open"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    RELEASED = "released", "Released"
    DECLINED = "declined", "Declined"
    DUPLICATE = "duplicate", "Duplicate"


class Status(models.Model):
    """A custom feature status; what it means for the roadmap is its fixed category."""

    name = models.CharField(max_length=60, unique=True)
    category = models.CharField(max_length=16, choices=StatusCategory.choices)
    position = models.PositiveIntegerField(default=0)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "statuses"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="status_single_default",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Release(models.Model):
    name = models.CharField(max_length=120, unique=True)
    date = models.DateField(null=True, blank=True)
    released = models.BooleanField(default=False)

    class Meta:
        ordering = ["-date", "name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    name = models.CharField(max_length=60)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_unique_name_ci")]

    def __str__(self) -> str:
        return self.name


class Effort(models.TextChoices):
    XS = "xs", "XS (days)"
    S = "s", "S (a week or two)"
    M = "m", "M (a month)"
    L = "l", "L (a quarter)"
    XL = "xl", "XL (more than a quarter)"


class Timeframe(models.TextChoices):
    NONE = "", "Not scheduled"
    NOW = "now", "Now"
    NEXT = "next", "Next"
    LATER = "later", "Later"


class Feature(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.SET_NULL, related_name="features"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subfeatures"
    )
    status = models.ForeignKey(Status, on_delete=models.PROTECT, related_name="features")
    public = models.BooleanField(default=False)
    effort = models.CharField(max_length=4, choices=Effort.choices, blank=True)
    timeframe = models.CharField(
        max_length=8, choices=Timeframe.choices, blank=True, default=Timeframe.NONE
    )
    release = models.ForeignKey(
        Release, null=True, blank=True, on_delete=models.SET_NULL, related_name="features"
    )
    tickets = models.JSONField(default=list, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged"
    )
    # Denormalised counters, kept exact by inbox.actions in the same transaction as the link.
    note_count = models.PositiveIntegerField(default=0)
    company_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)
    score = models.FloatField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["area", "-company_count"], name="feature_area_companies"),
            models.Index(fields=["-company_count", "-id"], name="feature_companies"),
            models.Index(fields=["-vote_count", "-id"], name="feature_votes"),
            models.Index(fields=["-updated_at", "-id"], name="feature_recent"),
            models.Index(fields=["status", "-company_count"], name="feature_status_companies"),
        ]

    def __str__(self) -> str:
        return self.title
