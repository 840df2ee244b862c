"""What the notes and links endpoints accept and answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AwareDatetime, ValidationInfo, field_validator

from harken.api.schemas import NOT_BLANK, Email, Id, Input, OptionalUrl, Paging, Ref, WebUrl
from harken.inbox.models import Importance, Link, Note, NoteState, Source
from harken.lib.prefetch import related

LongText = Annotated[str, Field(max_length=20_000)]
TagName = Annotated[str, Field(min_length=1, max_length=60)]


class NoteIn(Input):
    title: str = Field(max_length=300, json_schema_extra=NOT_BLANK)
    body: str = Field("", max_length=200_000)
    source: Source = Source.API
    source_url: OptionalUrl = ""
    external_id: str | None = Field(
        None,
        max_length=255,
        description="Your id for this note; sending it again returns the stored note (200).",
    )
    person_email: Email | None = None
    person_name: str = Field("", max_length=200)
    company_id: Id | None = None
    received_at: AwareDatetime | None = None
    confidential: bool = False
    tags: list[TagName] = Field(default_factory=list, max_length=50)
    customer_priority: int | None = Field(None, ge=1, le=10)
    links: list[WebUrl] = Field(default_factory=list, max_length=20)
    wanted_to_do: LongText = ""
    actually_did: LongText = ""
    why_not_great: LongText = ""
    why_interested: LongText = ""
    problem: LongText = ""
    workaround: LongText = ""
    impact: LongText = ""


class NoteFilters(Paging):
    state: NoteState | None = None
    source: Source | None = None
    area: Id | None = Field(None, description="Notes linked to a feature of this area or below.")
    assignee: str | None = Field(None, pattern=r"^(\d{1,18}|me|none)$", description="id|me|none")
    company: Id | None = None
    tag: str | None = Field(None, max_length=60)
    submitter: Id | None = None
    q: str = Field("", max_length=200, description="Full-text search in title and body.")


class StateIn(Input):
    state: NoteState
    comment: str = Field("", max_length=5000, description="Sent to the submitter on processed.")
    snoozed_until: AwareDatetime | None = None

    @field_validator("snoozed_until")
    @classmethod
    def _only_when_snoozing(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        if value is not None and info.data.get("state") != NoteState.SNOOZED:
            raise ValueError("is only for the snoozed state")
        return value


class AssignIn(Input):
    assignee_id: Id | None = Field(description="A teammate's user id, or null to unassign.")


class TagsIn(Input):
    tags: list[TagName] = Field(max_length=50)


class PersonRef(Schema):
    id: int
    email: str
    name: str


class NoteLinkOut(Schema):
    id: int
    feature_id: int
    feature_title: str
    importance: Importance
    highlight: str

    @staticmethod
    def resolve_feature_title(obj: Link) -> str:
        return obj.feature.title


class NoteOut(Schema):
    id: int
    title: str
    body: str
    source: Source
    source_url: str
    external_id: str | None
    state: NoteState
    snoozed_until: datetime | None
    confidential: bool
    company: Ref | None
    person: PersonRef | None
    submitter_id: int | None
    assignee_id: int | None
    tags: list[str]
    feature_links: list[NoteLinkOut]
    customer_priority: int | None
    links: list[str]
    wanted_to_do: str
    actually_did: str
    why_not_great: str
    why_interested: str
    problem: str
    workaround: str
    impact: str
    received_at: datetime
    processed_at: datetime | None
    processed_by_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_tags(obj: Note) -> list[str]:
        return sorted(t.name for t in related(obj, "tags"))

    @staticmethod
    def resolve_feature_links(obj: Note) -> list[Link]:
        return list(related(obj, "feature_links"))


class NotePage(Schema):
    items: list[NoteOut]
    next_cursor: str | None


class LinkIn(Input):
    feature_id: Id
    importance: Importance = Importance.UNKNOWN
    highlight: str = Field("", max_length=20_000, description="A passage of the note's text.")


class LinkPatch(Input):
    importance: Importance | None = None
    highlight: str | None = Field(None, max_length=20_000)


class LinkOut(Schema):
    id: int
    note_id: int
    feature_id: int
    importance: Importance
    highlight: str
    company_id: int | None
    created_by_id: int | None
    created_at: datetime


EXCERPT_CHARS = 280


class FeatureLinkOut(Schema):
    """A note as evidence for a feature."""

    id: int
    note_id: int
    note_title: str
    company: Ref | None
    person: PersonRef | None
    importance: Importance
    highlight: str
    excerpt: str
    created_at: datetime

    @staticmethod
    def resolve_note_title(obj: Link) -> str:
        return obj.note.title

    @staticmethod
    def resolve_person(obj: Link) -> object:
        return obj.note.person

    @staticmethod
    def resolve_excerpt(obj: Link) -> str:
        text = obj.highlight or " ".join(obj.note.body.split())
        return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


class FeatureLinkPage(Schema):
    items: list[FeatureLinkOut]
    next_cursor: str | None
