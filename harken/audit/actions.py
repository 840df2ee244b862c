from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from harken.accounts.models import User
from harken.audit.models import AuditEvent
from harken.lib.inserts import insert, insert_rows


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of `fields` on `obj`, for diffing before and after a change."""
    return {name: _plain(getattr(obj, name)) for name in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


# An event's values, as `_values` gives them.
_COLUMNS = ("actor_id", "action", "object_type", "object_id", "object_repr", "changes")


def _values(
    actor: User | None, action: str, obj: models.Model, changes: Mapping[str, Any] | None
) -> tuple[Any, ...]:
    return (
        actor.pk if actor is not None and actor.pk else None,
        action,
        obj._meta.label_lower,
        str(obj.pk),
        str(obj)[:200],
        {k: _plain(v) for k, v in (changes or {}).items()},
    )


def audit(
    actor: User | None,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record an audit event; call inside the action's transaction."""
    event = AuditEvent(**dict(zip(_COLUMNS, _values(actor, action, obj, changes), strict=True)))
    insert(event)  # event.save(), with its INSERT compiled once: every action writes one
    return event


def audit_by(
    action: str,
    changed: Iterable[tuple[User | None, models.Model, Mapping[str, Any] | None]],
) -> None:
    """One audit event per (actor, object, changes), written in one statement: for batch
    actions, whose changes may each be a different user's."""
    now = timezone.now()  # auto_now_add, which rows without instances do not get
    rows = [(*_values(actor, action, obj, ch), now) for actor, obj, ch in changed]
    insert_rows(AuditEvent, (*_COLUMNS, "created_at"), rows)
