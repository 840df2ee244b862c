"""Every write to areas, statuses, releases, tags and features."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from harken.accounts.access import require_role
from harken.accounts.models import Role, User
from harken.audit.actions import audit, diff, snapshot
from harken.features.models import (
    Area,
    Effort,
    Feature,
    Release,
    Status,
    StatusCategory,
    Tag,
    Timeframe,
)
from harken.lib.errors import ActionError

FEATURE_FIELDS = (
    "title",
    "description",
    "area",
    "parent",
    "status",
    "public",
    "effort",
    "timeframe",
    "release",
    "tickets",
)

DEFAULT_STATUSES = (
    ("Under consideration", StatusCategory.OPEN),
    ("Planned", StatusCategory.PLANNED),
    ("In progress", StatusCategory.IN_PROGRESS),
    ("Released", StatusCategory.RELEASED),
    ("Won't do", StatusCategory.DECLINED),
    ("Duplicate", StatusCategory.DUPLICATE),
)


def default_status() -> Status:
    """The status new features get; the default set is created on first use."""
    status = Status.objects.filter(is_default=True).first()
    if status is not None:
        return status
    with transaction.atomic():
        for position, (name, category) in enumerate(DEFAULT_STATUSES):
            Status.objects.get_or_create(
                name=name,
                defaults={"category": category, "position": position, "is_default": position == 0},
            )
    return Status.objects.filter(is_default=True).first() or Status.objects.all()[0]


def _check_feature_fields(fields: dict[str, Any], feature: Feature | None) -> None:
    unknown = set(fields) - set(FEATURE_FIELDS)
    if unknown:
        raise ActionError(f"Unknown feature field: {', '.join(sorted(unknown))}.")
    if "title" in fields:
        fields["title"] = str(fields["title"]).strip()
        if not fields["title"]:
            raise ActionError("A feature needs a title.", field="title")
        if len(fields["title"]) > 200:
            raise ActionError("The title is longer than 200 characters.", field="title")
    if fields.get("effort") and fields["effort"] not in Effort.values:
        raise ActionError(f"Effort must be one of: {', '.join(Effort.values)}.", field="effort")
    if fields.get("timeframe") and fields["timeframe"] not in Timeframe.values:
        raise ActionError(
            "Timeframe must be one of: now, next, later (or empty).", field="timeframe"
        )
    tickets = fields.get("tickets")
    if tickets is not None and (
        not isinstance(tickets, list)
        or not all(isinstance(t, str) and t.startswith(("https://", "http://")) for t in tickets)
    ):
        raise ActionError("Tickets are a list of web addresses.", field="tickets")
    parent = fields.get("parent")
    if parent is not None and feature is not None:
        # Walk up from the new parent: meeting the feature itself would close a cycle.
        node: Feature | None = parent
        while node is not None:
            if node.pk == feature.pk:
                raise ActionError("A feature cannot be its own ancestor.", field="parent")
            node = node.parent


def do_create_feature(actor: User, fields: dict[str, Any]) -> Feature:
    """Create a feature; it starts in the default status unless one is given."""
    require_role(actor, Role.MAKER, "create features")
    fields = dict(fields)
    fields.setdefault("title", "")
    _check_feature_fields(fields, None)
    if fields.get("status") is None:
        fields["status"] = default_status()
    with transaction.atomic():
        feature = Feature.objects.create(created_by=actor, **fields)
        audit(actor, "feature.created", feature, snapshot(feature, fields))
    return feature


def do_update_feature(actor: User, feature: Feature, fields: dict[str, Any]) -> Feature:
    """Change a feature's fields; the audit log keeps the old and new values."""
    require_role(actor, Role.MAKER, "edit features")
    fields = dict(fields)
    _check_feature_fields(fields, feature)
    if "status" in fields and fields["status"] is None:
        raise ActionError("A feature always has a status.", field="status")
    with transaction.atomic():
        before = snapshot(feature, fields)
        for name, value in fields.items():
            setattr(feature, name, value)
        changes = diff(before, snapshot(feature, fields))
        if changes:
            feature.save()
            audit(actor, "feature.updated", feature, changes)
    return feature


def do_create_area(
    actor: User, name: str, parent: Area | None = None, owner: User | None = None
) -> Area:
    require_role(actor, Role.ADMIN, "manage product areas")
    if not name.strip():
        raise ActionError("An area needs a name.", field="name")
    try:
        with transaction.atomic():
            area = Area.objects.create(name=name.strip(), parent=parent, owner=owner)
            audit(
                actor, "area.created", area, {"name": area.name, "parent": parent, "owner": owner}
            )
    except IntegrityError:
        raise ActionError(f"There is already an area named {name!r} here.", field="name") from None
    return area


def do_update_area(actor: User, area: Area, fields: dict[str, Any]) -> Area:
    require_role(actor, Role.ADMIN, "manage product areas")
    with transaction.atomic():
        before = snapshot(area, fields)
        for key, value in fields.items():
            setattr(area, key, value)
        area.save()
        audit(actor, "area.updated", area, diff(before, snapshot(area, fields)))
    return area


def do_create_status(actor: User, name: str, category: StatusCategory) -> Status:
    require_role(actor, Role.ADMIN, "manage statuses")
    if category not in StatusCategory.values:
        raise ActionError(
            f"Category must be one of: {', '.join(StatusCategory.values)}.", field="category"
        )
    if not name.strip():
        raise ActionError("A status needs a name.", field="name")
    try:
        with transaction.atomic():
            status = Status.objects.create(
                name=name.strip(), category=category, position=Status.objects.count()
            )
            audit(actor, "status.created", status, {"name": status.name, "category": category})
    except IntegrityError:
        raise ActionError(f"There is already a status named {name!r}.", field="name") from None
    return status


def do_create_release(actor: User, name: str, date: Any = None) -> Release:
    require_role(actor, Role.MAKER, "manage releases")
    if not name.strip():
        raise ActionError("A release needs a name.", field="name")
    try:
        with transaction.atomic():
            release = Release.objects.create(name=name.strip(), date=date)
            audit(actor, "release.created", release, {"name": release.name, "date": date})
    except IntegrityError:
        raise ActionError(f"There is already a release named {name!r}.", field="name") from None
    return release


def do_create_tag(actor: User, name: str) -> Tag:
    require_role(actor, Role.MAKER, "manage tags")
    if not name.strip():
        raise ActionError("A tag needs a name.", field="name")
    try:
        with transaction.atomic():
            tag = Tag.objects.create(name=name.strip()[:60])
            audit(actor, "tag.created", tag, {"name": tag.name})
    except IntegrityError:
        raise ActionError(f"There is already a tag named {name!r}.", field="name") from None
    return tag
