"""What the inbox's filters offer: every area, teammate and tag name, kept a few seconds.

They are three queries and a few dozen model objects on every inbox page, about 5 ms on a
small server (a sixth of the page), yet they change only when someone edits areas, users or
tags. Each process keeps them for KEEP_SECONDS, and forgets them as soon as it writes an
area, a user or a tag itself, so the person who made a change sees it at once; other worker
processes show it within KEEP_SECONDS. They are the same for every staff role.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from harken.accounts.models import User
from harken.features.models import Area, Tag

KEEP_SECONDS = 10.0
# The tag field suggests names; past this many, people type.
MAX_TAGS = 500


@dataclass(frozen=True)
class SharedChoices:
    areas: list[tuple[Area, int]]
    teammates: list[User]
    tags: list[str]


class _Kept:
    """This process's copy and when it goes stale (time.monotonic)."""

    choices: SharedChoices | None = None
    until = 0.0


def shared_choices() -> SharedChoices:
    """The areas (as a tree), teammates and tag names, from this process's copy if fresh."""
    now = time.monotonic()
    if _Kept.choices is not None and now < _Kept.until:
        return _Kept.choices
    # inbox.queries imports this module (and features.queries imports inbox.queries): import
    # their helpers late so that no import order cycles.
    from harken.features.queries import area_tree
    from harken.inbox.queries import teammates

    choices = SharedChoices(
        areas=area_tree(),
        teammates=teammates(),
        tags=list(Tag.objects.order_by("name").values_list("name", flat=True)[:MAX_TAGS]),
    )
    _Kept.choices, _Kept.until = choices, now + KEEP_SECONDS
    return choices


def forget_choices(**_: Any) -> None:
    """Drop this process's copy: an area, user or tag was written. (A signal receiver.)"""
    _Kept.choices = None
