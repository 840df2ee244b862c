"""Offset paging behind the same opaque `cursor` the keyset-paged lists use.

Lists small enough to page by offset (features, companies, people, settings lists) still
answer `{"items": [...], "next_cursor": ...}`, so a client has one paging loop for every list.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from harken.lib.errors import ActionError
from harken.lib.paging import Page

_PREFIX = "offset:"
_MAX_OFFSET = 10_000_000


def encode_offset(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{offset}".encode()).decode().rstrip("=")


def decode_offset(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        if not text.startswith(_PREFIX):
            raise ValueError(text)
        offset = int(text.removeprefix(_PREFIX))
        if not 0 <= offset <= _MAX_OFFSET:
            raise ValueError(text)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ActionError(
            "The cursor is not one this server gave out: start again without it.", field="cursor"
        ) from None
    return offset


def offset_page[T](rows: QuerySet[Any, T] | Sequence[T], cursor: str | None, limit: int) -> Page[T]:
    """One page of `rows` (already ordered); a queryset is fetched with one query."""
    offset = decode_offset(cursor) if cursor else 0
    items = list(rows[offset : offset + limit + 1])
    if len(items) > limit:
        return Page(items[:limit], encode_offset(offset + limit))
    return Page(items, None)
