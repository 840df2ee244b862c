"""Ids that a request body refers to: an unknown one is a 400 naming the field, not a 404."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from harken.accounts.models import User
from harken.lib.errors import ActionError, NotFound


def resolve[T](
    getter: Callable[[User, int], T], user: User, pk: int | None, field: str, what: str
) -> T | None:
    """The object `pk` names through its access getter, None for None."""
    if pk is None:
        return None
    try:
        return getter(user, pk)
    except NotFound:
        raise ActionError(f"No {what} with id {pk}.", field=field, code="unknown_id") from None


@contextmanager
def api_field_names(names: Mapping[str, str]) -> Iterator[None]:
    """Name fields in errors as the API does (`parent_id`), not as the action does (`parent`)."""
    try:
        yield
    except ActionError as error:
        error.field = names.get(error.field or "", error.field)
        raise
