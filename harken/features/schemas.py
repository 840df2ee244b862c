"""What the features, areas, statuses, releases and tags endpoints accept and answer."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema

from harken.api.schemas import NOT_BLANK, Id, Input, Paging, Ref, WebUrl
from harken.features.models import Effort, StatusCategory, Timeframe
from harken.features.queries import SORTS


class FeatureFilters(Paging):
    area: Id | None = Field(None, description="Features of this area or below.")
    status: Id | None = None
    category: StatusCategory | None = None
    public: bool | None = None
    q: str = Field("", max_length=200, description="Full-text search in title and description.")
    sort: str = Field("companies", max_length=20, description=f"One of: {', '.join(SORTS)}.")


class FeatureIn(Input):
    title: str = Field(max_length=200, json_schema_extra=NOT_BLANK)
    description: str = Field("", max_length=100_000)
    area_id: Id | None = None
    parent_id: Id | None = None
    status_id: Id | None = Field(None, description="Leave out for the default status.")
    public: bool = False
    effort: Effort | None = None
    timeframe: Timeframe = Timeframe.NONE
    release_id: Id | None = None
    tickets: list[WebUrl] = Field(
        default_factory=list, max_length=20, description="Ticket or issue URLs."
    )


class FeaturePatch(Input):
    """Only the fields sent change; null clears area, parent, release, effort and timeframe."""

    not_null = frozenset({"title", "description", "status_id", "public", "tickets"})

    title: str | None = Field(None, max_length=200, json_schema_extra=NOT_BLANK)
    description: str | None = Field(None, max_length=100_000)
    area_id: Id | None = None
    parent_id: Id | None = None
    status_id: Id | None = None
    public: bool | None = None
    effort: Effort | None = None
    timeframe: Timeframe | None = None
    release_id: Id | None = None
    tickets: list[WebUrl] | None = Field(None, max_length=20)


class StatusOut(Schema):
    id: int
    name: str
    category: StatusCategory
    position: int
    is_default: bool


class ReleaseOut(Schema):
    id: int
    name: str
    date: date | None
    released: bool


class FeatureOut(Schema):
    id: int
    title: str
    description: str
    area: Ref | None
    parent_id: int | None
    status: StatusOut
    public: bool
    effort: str = Field(description="xs, s, m, l, xl or empty.")
    timeframe: str = Field(description="now, next, later or empty.")
    release: ReleaseOut | None
    tickets: list[str]
    merged_into_id: int | None
    note_count: int
    company_count: int
    vote_count: int
    score: float
    created_at: datetime
    updated_at: datetime


class FeaturePage(Schema):
    items: list[FeatureOut]
    next_cursor: str | None


class AreaOut(Schema):
    id: int
    name: str
    parent_id: int | None
    owner_id: int | None
    position: int
    depth: int


class AreaPage(Schema):
    items: list[AreaOut]
    next_cursor: str | None


class StatusPage(Schema):
    items: list[StatusOut]
    next_cursor: str | None


class ReleasePage(Schema):
    items: list[ReleaseOut]
    next_cursor: str | None


class TagPage(Schema):
    items: list[Ref]
    next_cursor: str | None


class TagFilters(Paging):
    q: str = Field("", max_length=60, description="Tags whose name contains this.")
