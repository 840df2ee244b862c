"""Features over the API: the board, create, read, update; and the lists clients pick from."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status as Answer
from ninja.responses import codes_4xx

from harken.accounts.access import staff
from harken.accounts.models import User
from harken.api.auth import actor
from harken.api.paging import offset_page
from harken.api.refs import api_field_names, resolve
from harken.api.schemas import ErrorOut, Id, Paging
from harken.features.access import access_area, access_feature, access_release, access_status
from harken.features.actions import default_status, do_create_feature, do_update_feature
from harken.features.models import Feature, Release, Status, Tag
from harken.features.queries import BoardFilters, area_tree, board_features
from harken.features.schemas import (
    AreaPage,
    FeatureFilters,
    FeatureIn,
    FeatureOut,
    FeaturePage,
    FeaturePatch,
    ReleasePage,
    StatusPage,
    TagFilters,
    TagPage,
)
from harken.lib.paging import Page

router = Router(tags=["features"])

# API field -> (feature field, access getter, what it is).
_REFERENCES = {
    "area_id": ("area", access_area, "area"),
    "parent_id": ("parent", access_feature, "feature"),
    "status_id": ("status", access_status, "status"),
    "release_id": ("release", access_release, "release"),
}
_API_NAMES = {target: name for name, (target, _, _) in _REFERENCES.items()}


def _fields(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """The action's fields for the API fields sent, with every referenced id resolved."""
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name in _REFERENCES:
            target, getter, what = _REFERENCES[name]
            fields[target] = resolve(getter, user, value, name, what)
        elif name in ("effort", "timeframe"):
            fields[name] = value or ""
        else:
            fields[name] = value
    return fields


@router.get("/features", response={200: FeaturePage, codes_4xx: ErrorOut})
def list_features(request: HttpRequest, filters: Query[FeatureFilters]) -> Page[Feature]:
    """The board: filtered by area, status, category, visibility or text; sorted by `sort`."""
    staff(actor(request))
    board = BoardFilters(
        area=filters.area,
        status=filters.status,
        category=filters.category,
        q=filters.q,
        sort=filters.sort,
        public=filters.public,
    )
    return offset_page(board_features(board), filters.cursor, filters.limit)


@router.post("/features", response={201: FeatureOut, codes_4xx: ErrorOut})
def create_feature(request: HttpRequest, payload: FeatureIn) -> Answer[Feature]:
    user = actor(request)
    data = payload.model_dump()
    fields = _fields(user, {k: v for k, v in data.items() if v is not None})
    with api_field_names(_API_NAMES):
        feature = do_create_feature(user, fields)
    return Answer(201, access_feature(user, feature.pk))


@router.get("/features/{feature_id}", response={200: FeatureOut, codes_4xx: ErrorOut})
def get_feature(request: HttpRequest, feature_id: Id) -> Feature:
    return access_feature(actor(request), feature_id)


@router.patch("/features/{feature_id}", response={200: FeatureOut, codes_4xx: ErrorOut})
def update_feature(request: HttpRequest, feature_id: Id, payload: FeaturePatch) -> Feature:
    """Change only the fields sent: status, effort, timeframe, release, tickets, public, ..."""
    user = actor(request)
    feature = access_feature(user, feature_id)
    fields = _fields(user, payload.model_dump(exclude_unset=True))
    with api_field_names(_API_NAMES):
        do_update_feature(user, feature, fields)
    return access_feature(user, feature_id)


@router.get("/areas", response={200: AreaPage, codes_4xx: ErrorOut})
def list_areas(request: HttpRequest, paging: Query[Paging]) -> Page[dict[str, Any]]:
    """Product areas in tree order; `depth` 0 is a top-level area."""
    staff(actor(request))
    rows = [
        {
            "id": area.pk,
            "name": area.name,
            "parent_id": area.parent_id,
            "owner_id": area.owner_id,
            "position": area.position,
            "depth": depth,
        }
        for area, depth in area_tree()
    ]
    return offset_page(rows, paging.cursor, paging.limit)


@router.get("/statuses", response={200: StatusPage, codes_4xx: ErrorOut})
def list_statuses(request: HttpRequest, paging: Query[Paging]) -> Page[Status]:
    staff(actor(request))
    default_status()  # the default set exists before anyone needs a status id
    return offset_page(Status.objects.order_by("position", "name"), paging.cursor, paging.limit)


@router.get("/releases", response={200: ReleasePage, codes_4xx: ErrorOut})
def list_releases(request: HttpRequest, paging: Query[Paging]) -> Page[Release]:
    staff(actor(request))
    releases = Release.objects.order_by("-date", "name", "id")
    return offset_page(releases, paging.cursor, paging.limit)


@router.get("/tags", response={200: TagPage, codes_4xx: ErrorOut})
def list_tags(request: HttpRequest, filters: Query[TagFilters]) -> Page[Tag]:
    staff(actor(request))
    tags = Tag.objects.order_by("name", "id")
    if filters.q.strip():
        tags = tags.filter(name__icontains=filters.q.strip())
    return offset_page(tags, filters.cursor, filters.limit)
