"""Read models for the inbox and for notes on feature and company pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from harken.accounts.models import User
from harken.features.models import Area, Feature
from harken.inbox.access import visible_links, visible_notes
from harken.inbox.models import Link, Note, NoteState, Source
from harken.lib.errors import ActionError
from harken.lib.paging import Page, decode_cursor, encode_cursor
from harken.lib.search import search

MAX_PAGE = 100


@dataclass(frozen=True)
class InboxFilters:
    state: str | None = None
    source: str | None = None
    area: int | None = None
    assignee: str | None = None  # a user id, "me" or "none"
    company: int | None = None
    tag: str | None = None
    submitter: int | None = None
    q: str = ""


def area_and_descendants(area_id: int) -> list[int]:
    ids, frontier = [area_id], [area_id]
    while frontier:
        frontier = list(Area.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
        ids += frontier
    return ids


def filter_notes(user: User, qs: QuerySet[Note], f: InboxFilters) -> QuerySet[Note]:
    if f.state:
        if f.state not in NoteState.values:
            raise ActionError(
                f"State must be one of: {', '.join(NoteState.values)}.", field="state"
            )
        qs = qs.filter(state=f.state)
    if f.source:
        if f.source not in Source.values:
            raise ActionError(f"Source must be one of: {', '.join(Source.values)}.", field="source")
        qs = qs.filter(source=f.source)
    if f.company is not None:
        qs = qs.filter(company_id=f.company)
    if f.submitter is not None:
        qs = qs.filter(submitter_id=f.submitter)
    if f.assignee:
        if f.assignee == "me":
            qs = qs.filter(assignee=user)
        elif f.assignee == "none":
            qs = qs.filter(assignee__isnull=True)
        elif f.assignee.isdigit():
            qs = qs.filter(assignee_id=int(f.assignee))
        else:
            raise ActionError("Assignee is a user id, 'me' or 'none'.", field="assignee")
    if f.tag:
        qs = qs.filter(tags__name__iexact=f.tag)
    if f.area is not None:
        linked = Link.objects.filter(
            note=OuterRef("pk"), feature__area_id__in=area_and_descendants(f.area)
        )
        qs = qs.filter(Exists(linked))
    if f.q.strip():
        qs = search(qs, f.q, "inbox_note", ("title", "body"))
    return qs


def inbox_page(
    user: User | AnonymousUser,
    filters: InboxFilters,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[Note]:
    """A page of the inbox, newest first, in three queries whatever its size."""
    qs = visible_notes(user)
    assert isinstance(user, User)
    qs = filter_notes(user, qs, filters)
    if cursor:
        moment, pk = decode_cursor(cursor)
        qs = qs.filter(Q(received_at__lt=moment) | Q(received_at=moment, id__lt=pk))
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(
        qs.select_related("company", "person", "assignee")
        .prefetch_related(
            "tags",
            Prefetch(
                "feature_links",
                queryset=Link.objects.select_related("feature").order_by("id"),
            ),
        )
        .order_by("-received_at", "-id")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].received_at, rows[-1].pk)
    return Page(rows, next_cursor)


def feature_links_page(
    user: User | AnonymousUser, feature: Feature, cursor: str | None = None, limit: int = 50
) -> Page[Link]:
    """The evidence for a feature: each linked note with its company, importance and excerpt."""
    qs = visible_links(user).filter(feature=feature)
    if cursor:
        moment, pk = decode_cursor(cursor)
        qs = qs.filter(Q(created_at__lt=moment) | Q(created_at=moment, id__lt=pk))
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(
        qs.select_related("note", "note__person", "company").order_by("-created_at", "-id")[
            : limit + 1
        ]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].created_at, rows[-1].pk)
    return Page(rows, next_cursor)
