"""Cell parsers: each returns the value or raises CellError with a message a user can act on."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from django.utils import timezone


class CellError(Exception):
    """One cell's value is not acceptable; the message completes '<column>: ...'."""


_TRUE = frozenset({"1", "true", "yes", "y", "x", "on"})
_FALSE = frozenset({"0", "false", "no", "n", "off", ""})
_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")
_MONEY = re.compile(r"^(\d+(?:\.\d+)?)([km]?)$")


def text(value: str, limit: int) -> str:
    if len(value) > limit:
        raise CellError(
            f"is {len(value):,} characters long; at most {limit:,} are accepted "
            "(a quote left open makes a cell swallow the rows after it)"
        )
    return value


def boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise CellError(f"{value!r} is not yes or no (use yes/no, true/false or 1/0)")


def whole_number(value: str, low: int, high: int | None = None) -> int:
    try:
        number = int(value)
    except ValueError:
        raise CellError(f"{value!r} is not a whole number") from None
    if number < low or (high is not None and number > high):
        span = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise CellError(f"{number} is out of range: use a number {span}")
    return number


def money(value: str) -> int:
    """An amount like 120000, 120,000, $120k or 1.5M, as a whole number."""
    cleaned = re.sub(r"[\s,_$€£¥]", "", value).lower()
    match = _MONEY.match(cleaned)
    if not match:
        raise CellError(f"{value!r} is not an amount (write it like 120000, 120k or 1.5M)")
    multiplier = {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2)]
    return round(float(match.group(1)) * multiplier)


def email(value: str) -> str:
    address = value.lower()
    if len(address) > 254 or not _EMAIL.match(address):
        raise CellError(f"{value!r} is not an email address")
    return address


def url(value: str, limit: int) -> str:
    if not value.startswith(("https://", "http://")):
        raise CellError(f"{value!r} is not a web address (it must start with https://)")
    if len(value) > limit:
        raise CellError(f"is longer than {limit} characters")
    return value


def moment(value: str, now: datetime) -> datetime:
    """An ISO 8601 date or date and time; without a zone, the server's time zone."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise CellError(
            f"{value!r} is not an ISO date or time (write 2024-05-31 or 2024-05-31T14:30:00Z)"
        ) from None
    if len(value) <= 10:
        parsed = datetime.combine(parsed.date(), time())
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > now + timedelta(days=1):
        raise CellError(f"{value} is in the future")
    return parsed


def tag_list(value: str, separator: str = ",") -> list[str]:
    """Distinct tag names (case-insensitive), in the order given."""
    names: dict[str, str] = {}
    for part in value.split(separator):
        name = part.strip()
        if not name:
            continue
        if len(name) > 60:
            raise CellError(f"the tag {name[:30]!r}… is longer than 60 characters")
        names.setdefault(name.lower(), name)
    return list(names.values())


def choice(value: str, choices: dict[str, Any], what: str) -> Any:
    key = re.sub(r"[\s\-]+", "_", value.strip().lower())
    if key not in choices:
        raise CellError(f"{value!r} is not a {what}: use one of {', '.join(sorted(choices))}")
    return choices[key]
