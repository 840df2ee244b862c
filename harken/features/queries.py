"""Read models for the feature board."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from harken.features.models import Area, Feature, StatusCategory
from harken.lib.errors import ActionError
from harken.lib.search import has_words, search

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


def area_feature_counts() -> dict[int | None, int]:
    """How many features (merged ones aside) sit directly in each area, from one query."""
    rows = (
        Feature.objects.filter(merged_into__isnull=True)
        .values("area_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["area_id"]: row["n"] for row in rows}


def tree_totals(tree: list[tuple[Area, int]], direct: dict[int | None, int]) -> dict[int, int]:
    """Each area's feature count including its descendants, as the board's area filter counts."""
    totals: dict[int, int] = {}
    for area, _ in reversed(tree):
        totals[area.pk] = totals.get(area.pk, 0) + direct.get(area.pk, 0)
        if area.parent_id is not None:
            totals[area.parent_id] = totals.get(area.parent_id, 0) + totals[area.pk]
    return totals


def feature_typeahead(text: str, limit: int = 8) -> list[Feature]:
    """Features whose title holds every word typed, most asked-for first (the link picker)."""
    words = text.split()[:6]
    if not words:
        return []
    qs = Feature.objects.select_related("status", "area").filter(merged_into__isnull=True)
    for word in words:
        qs = qs.filter(title__icontains=word)
    return list(qs.order_by("-company_count", "-note_count", "-id")[:limit])


def search_features(text: str, page: int = 1, per_page: int = 20) -> tuple[list[Feature], bool]:
    """One page of the features matching `text`, most asked-for first; and whether more follow."""
    if not has_words(text):
        return [], False
    qs = board_features(BoardFilters(q=text))
    start = (max(page, 1) - 1) * per_page
    rows = list(qs[start : start + per_page + 1])
    return rows[:per_page], len(rows) > per_page
