"""Keyset (cursor) paging: stable under inserts and as fast on page 1,000 as on page 1."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from harken.lib.errors import ActionError


@dataclass(frozen=True)
class Page[T]:
    items: list[T]
    next_cursor: str | None


def encode_cursor(moment: datetime, pk: int) -> str:
    return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        moment, pk = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        when, key = datetime.fromisoformat(moment), int(pk)
        # A forged id past the database's integer range would overflow in the driver.
        if not 0 < key < 2**63:
            raise ValueError(pk)
        return when, key
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ActionError(
            "The cursor is not one this server gave out: start again without it.", field="cursor"
        ) from None
