"""Read models for the feature board."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from harken.features.models import Area, Feature, StatusCategory
from harken.lib.errors import ActionError
from harken.lib.search import search

SORTS = {
    "companies": ("-company_count", "-id"),
    "votes": ("-vote_count", "-id"),
    "recent": ("-updated_at", "-id"),
    "score": ("-score", "-id"),
}


@dataclass(frozen=True)
class BoardFilters:
    area: int | None = None
    status: int | None = None
    category: str | None = None
    q: str = ""
    sort: str = "companies"
    public: bool | None = None


def board_features(f: BoardFilters) -> QuerySet[Feature]:
    if f.sort not in SORTS:
        raise ActionError(f"Sort must be one of: {', '.join(SORTS)}.", field="sort")
    qs = Feature.objects.select_related("area", "status", "release").filter(
        merged_into__isnull=True
    )
    if f.area is not None:
        from harken.inbox.queries import area_and_descendants

        qs = qs.filter(area_id__in=area_and_descendants(f.area))
    if f.status is not None:
        qs = qs.filter(status_id=f.status)
    if f.category:
        if f.category not in StatusCategory.values:
            raise ActionError(
                f"Category must be one of: {', '.join(StatusCategory.values)}.", field="category"
            )
        qs = qs.filter(status__category=f.category)
    if f.public is not None:
        qs = qs.filter(public=f.public)
    if f.q.strip():
        qs = search(qs, f.q, "features_feature", ("title", "description"))
    return qs.order_by(*SORTS[f.sort])


def area_tree() -> list[tuple[Area, int]]:
    """Every area with its depth, in tree order, from one query."""
    areas = list(Area.objects.select_related("owner").order_by("position", "name"))
    children: dict[int | None, list[Area]] = {}
    for area in areas:
        children.setdefault(area.parent_id, []).append(area)
    out: list[tuple[Area, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for area in children.get(parent, []):
            out.append((area, depth))
            walk(area.pk, depth + 1)

    walk(None, 0)
    return out
