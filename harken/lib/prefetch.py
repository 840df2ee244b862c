"""Prefetched rows kept as plain lists, for the lists that show many objects.

`prefetch_related` stores on every object a queryset built for that object (a related
manager, a filter, a clone of the query) so that `obj.tags.all()` finds its rows: about 25 µs
per object and relation on a small server, two thirds of the inbox page's ORM time. With
`to_attr` Django stores the list alone. `loaded(name)` prefetches that way; `related(obj,
name)` reads the list, or falls back to `obj.<name>.all()` (which uses a usual prefetch, or
queries).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Model, Prefetch, QuerySet


def _attr(name: str) -> str:
    return f"{name}_loaded"


def loaded(name: str, queryset: QuerySet[Any] | None = None) -> Prefetch[str]:
    """Prefetch the relation `name` as a plain list, for `related()` to read."""
    return Prefetch(name, queryset=queryset, to_attr=_attr(name))


def related(obj: Model, name: str) -> Iterable[Any]:
    """The objects of `obj.<name>`: as prefetched by `loaded(name)`, else `.all()`."""
    rows = obj.__dict__.get(_attr(name))
    if rows is not None:
        return rows  # type: ignore[no-any-return]
    return getattr(obj, name).all()  # type: ignore[no-any-return]


def know_related(obj: Model, name: str, rows: Sequence[Model]) -> None:
    """Record `rows` as what `obj.<name>` holds, as `loaded(name)` would have: for an object
    just written, whose related rows the caller already has."""
    setattr(obj, _attr(name), list(rows))
