"""Every write to areas, statuses, releases, tags and features."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
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
    if tickets is not None:
        _check_tickets(tickets)
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
    _check_area_fields(Area(), {"name": name, "parent": parent, "owner": owner})
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
    fields = dict(fields)
    _check_area_fields(area, fields)
    before = snapshot(area, fields)
    try:
        with transaction.atomic():
            for key, value in fields.items():
                setattr(area, key, value)
            area.save()
            audit(actor, "area.updated", area, diff(before, snapshot(area, fields)))
    except IntegrityError:
        for key, value in before.items():
            setattr(area, f"{key}_id" if key in ("parent", "owner") else key, value)
        raise ActionError(
            f"There is already an area named {fields.get('name', area.name)!r} here.", field="name"
        ) from None
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


MAX_TICKETS = 20
_ticket_url = URLValidator(schemes=["http", "https"])


def _check_tickets(tickets: object) -> None:
    if not isinstance(tickets, list) or not all(isinstance(t, str) for t in tickets):
        raise ActionError("Tickets are a list of web addresses.", field="tickets")
    if len(tickets) > MAX_TICKETS:
        raise ActionError(f"Link at most {MAX_TICKETS} tickets.", field="tickets")
    for ticket in tickets:
        try:
            if len(ticket) > 500:
                raise ValidationError("too long")
            _ticket_url(ticket)
        except ValidationError:
            raise ActionError(
                f"{ticket!r} is not a web address: give one like https://tracker.example/T-1.",
                field="tickets",
            ) from None


AREA_FIELDS = ("name", "parent", "owner", "position")


def _check_area_fields(area: Area, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(AREA_FIELDS)
    if unknown:
        raise ActionError(f"Unknown area field: {', '.join(sorted(unknown))}.")
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        if not fields["name"]:
            raise ActionError("An area needs a name.", field="name")
        if len(fields["name"]) > 120:
            raise ActionError("The name is longer than 120 characters.", field="name")
    # A cycle would make the area and its features vanish from the tree and loop every walk.
    node: Area | None = fields.get("parent")
    while node is not None:
        if node.pk == area.pk:
            raise ActionError("An area cannot sit inside itself.", field="parent")
        node = node.parent
    # The unique constraint cannot see duplicates at the top level, where parent is NULL.
    name = fields.get("name", area.name)
    parent = fields.get("parent", area.parent)
    twins = Area.objects.filter(parent=parent, name__iexact=name).exclude(pk=area.pk)
    if name and twins.exists():
        raise ActionError(f"There is already an area named {name!r} here.", field="name")
    owner = fields.get("owner")
    if owner is not None and not owner.has_role(Role.MAKER):
        raise ActionError(
            f"{owner.username} cannot own an area: pick a product manager.", field="owner"
        )


STATUS_FIELDS = ("name", "category", "is_default")


def do_update_status(actor: User, status: Status, fields: dict[str, Any]) -> Status:
    """Rename a status, move it to another category, or make it the default for new features."""
    require_role(actor, Role.ADMIN, "manage statuses")
    fields = dict(fields)
    unknown = set(fields) - set(STATUS_FIELDS)
    if unknown:
        raise ActionError(f"Unknown status field: {', '.join(sorted(unknown))}.")
    if "name" in fields:
        fields["name"] = str(fields["name"]).strip()
        if not fields["name"] or len(fields["name"]) > 60:
            raise ActionError("A status needs a name of at most 60 characters.", field="name")
    if "category" in fields and fields["category"] not in StatusCategory.values:
        raise ActionError(
            f"Category must be one of: {', '.join(StatusCategory.values)}.", field="category"
        )
    if fields.get("is_default") is False and status.is_default:
        raise ActionError(
            "There is always a default status: make another one the default instead.",
            field="is_default",
        )
    before = snapshot(status, fields)
    try:
        with transaction.atomic():
            if fields.get("is_default"):
                Status.objects.filter(is_default=True).exclude(pk=status.pk).update(
                    is_default=False
                )
            for key, value in fields.items():
                setattr(status, key, value)
            status.save()
            audit(actor, "status.updated", status, diff(before, snapshot(status, fields)))
    except IntegrityError:
        for key, value in before.items():
            setattr(status, key, value)
        raise ActionError(
            f"There is already a status named {fields.get('name')!r}.", field="name"
        ) from None
    return status


def do_move_status(actor: User, status: Status, step: int) -> Status:
    """Move a status one place up (-1) or down (+1) in the order every picker shows."""
    require_role(actor, Role.ADMIN, "manage statuses")
    if step not in (-1, 1):
        raise ActionError("A status moves one place up or down.", field="step")
    with transaction.atomic():
        ordered = list(Status.objects.select_for_update().order_by("position", "name"))
        index = next(i for i, s in enumerate(ordered) if s.pk == status.pk)
        target = index + step
        if 0 <= target < len(ordered):
            ordered[index], ordered[target] = ordered[target], ordered[index]
        for position, item in enumerate(ordered):
            item.position = position
        Status.objects.bulk_update(ordered, ["position"])
        status.position = ordered.index(next(s for s in ordered if s.pk == status.pk))
        audit(actor, "status.moved", status, {"position": status.position})
    return status


def do_rename_tag(actor: User, tag: Tag, name: str) -> Tag:
    require_role(actor, Role.MAKER, "manage tags")
    name = name.strip()
    if not name or len(name) > 60:
        raise ActionError("A tag needs a name of at most 60 characters.", field="name")
    old = tag.name
    try:
        with transaction.atomic():
            tag.name = name
            tag.save(update_fields=["name"])
            audit(actor, "tag.renamed", tag, {"name": [old, name]})
    except IntegrityError:
        tag.name = old
        raise ActionError(f"There is already a tag named {name!r}.", field="name") from None
    return tag


def do_delete_tag(actor: User, tag: Tag) -> None:
    """Delete a tag; the notes it was on keep their other tags."""
    require_role(actor, Role.MAKER, "manage tags")
    with transaction.atomic():
        audit(actor, "tag.deleted", tag, {"name": tag.name})
        tag.delete()
