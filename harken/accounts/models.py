from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    MAKER = "maker", "Product manager"
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer"


# What each role may do. Roles are ordered; a higher one has every right of the lower ones.
_RANK = {Role.VIEWER: 0, Role.CONTRIBUTOR: 1, Role.MAKER: 2, Role.ADMIN: 3}


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        ordering = ["username"]

    def has_role(self, role: Role) -> bool:
        """True when this user's role is `role` or above it."""
        return self.is_active and _RANK[Role(self.role)] >= _RANK[role]

    @property
    def can_file_notes(self) -> bool:
        return self.has_role(Role.CONTRIBUTOR)

    @property
    def can_triage(self) -> bool:
        return self.has_role(Role.MAKER)

    @property
    def is_harken_admin(self) -> bool:
        return self.has_role(Role.ADMIN)

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class TokenScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Read and write"


class ApiToken(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    # Only a digest is stored: a leaked database does not leak working tokens.
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def can_write(self) -> bool:
        return self.scope == TokenScope.WRITE
