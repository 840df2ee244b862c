"""Setup shared by the feature board and feature page tests."""

from __future__ import annotations

import pytest
from django.test import Client

from harken.accounts.models import User
from harken.features.actions import default_status
from harken.features.models import Area, Feature, Release, Timeframe

ROLES = ["viewer", "contributor", "maker", "admin"]


def login(client: Client, request: pytest.FixtureRequest, persona: str) -> User:
    user: User = request.getfixturevalue(persona)
    client.force_login(user)
    return user


def make_features(count: int, area: Area, start: int = 0) -> list[Feature]:
    status = default_status()
    release = Release.objects.get_or_create(name="2026.4")[0]
    parent = Feature.objects.create(title="Parent of all", area=area, status=status)
    return [
        Feature.objects.create(
            title=f"Feature {start + i}",
            area=area,
            status=status,
            release=release if i % 2 else None,
            timeframe=Timeframe.NEXT,
            parent=parent,
            company_count=i,
        )
        for i in range(count)
    ]
