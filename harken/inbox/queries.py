"""Read models for the inbox and for notes on feature and company pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from harken.accounts.models import Role, User
from harken.audit.models import AuditEvent
from harken.customers.models import Company
from harken.features.models import Area, Feature
from harken.inbox.access import visible_links, visible_notes
from harken.inbox.choices import shared_choices
from harken.inbox.models import Importance, Link, Note, NoteState, Source
from harken.lib.errors import ActionError
from harken.lib.paging import Page, decode_cursor, encode_cursor
from harken.lib.prefetch import loaded
from harken.lib.search import has_words, search

MAX_PAGE = 100
# What a note's answer and its inbox row show of its company, person and assignee: loading
# only these spares building the rest of three models for every row (custom fields, plans,
# password hashes).
_NOTE_COLUMNS = [f.name for f in Note._meta.concrete_fields]
_SHOWN_RELATED = (
    "company__name",
    "person__email",
    "person__name",
    "assignee__username",
    "assignee__first_name",
    "assignee__last_name",
)


def linked_features() -> Prefetch[str]:
    """A note's links with the title of each feature: what its answer and inbox row show."""
    links = Link.objects.select_related("feature").only(
        "id", "note_id", "feature_id", "importance", "highlight", "feature__title"
    )
    return loaded("feature_links", links.order_by("id"))


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
        .only(*_NOTE_COLUMNS, *_SHOWN_RELATED)
        .prefetch_related(loaded("tags"), linked_features())
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


def teammates() -> list[User]:
    """Everyone a note can be assigned to: active contributors and above."""
    return list(
        User.objects.filter(
            is_active=True, role__in=[Role.CONTRIBUTOR, Role.MAKER, Role.ADMIN]
        ).order_by("first_name", "last_name", "username")
    )


def note_links(user: User | AnonymousUser, note: Note) -> list[Link]:
    """The features a note is evidence for, most important first."""
    rank = Case(
        *[When(importance=imp, then=Value(i)) for i, imp in enumerate(reversed(Importance))],
        output_field=IntegerField(),
    )
    return list(
        visible_links(user)
        .filter(note=note)
        .select_related("feature", "feature__status", "created_by")
        .order_by(rank, "-created_at", "-id")
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    feature: Feature | None = None
    importance: str = ""
    detail: str = ""
    comment: str = ""


def _history_entry(
    event: AuditEvent, features: dict[int, Feature], users: dict[int, User]
) -> HistoryEntry:
    changes = event.changes if isinstance(event.changes, dict) else {}
    actor = event.actor.display_name if event.actor else ""
    feature_id = changes.get("feature")
    feature = features.get(feature_id) if isinstance(feature_id, int) else None
    importance = changes.get("importance")
    detail = ""
    if event.action == "note.created":
        source = changes.get("source")
        detail = Source(source).label if source in Source.values else ""
    elif event.action == "note.state_changed":
        state = changes.get("state")
        new = state[1] if isinstance(state, list) and len(state) == 2 else None
        detail = NoteState(new).label.lower() if new in NoteState.values else ""
    elif event.action == "note.assigned":
        assignee = changes.get("assignee")
        new_id = assignee[1] if isinstance(assignee, list) and len(assignee) == 2 else None
        who = users.get(new_id) if isinstance(new_id, int) else None
        detail = who.display_name if who else ""
    elif event.action == "note.tagged":
        tags = changes.get("tags")
        detail = ", ".join(str(t) for t in tags) if isinstance(tags, list) else ""
    elif event.action in ("note.linked", "note.link_updated"):
        detail = str(changes.get("highlight") or "")
    return HistoryEntry(
        at=event.created_at,
        actor=actor,
        action=event.action,
        feature=feature,
        importance=Importance(importance).label if importance in Importance.values else "",
        detail=detail,
        comment=str(changes.get("comment") or ""),
    )


def note_history(note: Note, limit: int = 100) -> list[HistoryEntry]:
    """What happened to a note (filed, linked, unlinked, triaged), newest first, in 3 queries."""
    events = list(
        AuditEvent.objects.filter(object_type=Note._meta.label_lower, object_id=str(note.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")[:limit]
    )
    feature_ids: set[int] = set()
    user_ids: set[int] = set()
    for event in events:
        changes = event.changes if isinstance(event.changes, dict) else {}
        if isinstance(changes.get("feature"), int):
            feature_ids.add(changes["feature"])
        assignee = changes.get("assignee")
        if isinstance(assignee, list) and len(assignee) == 2 and isinstance(assignee[1], int):
            user_ids.add(assignee[1])
    features = Feature.objects.in_bulk(feature_ids) if feature_ids else {}
    users = User.objects.in_bulk(user_ids) if user_ids else {}
    return [_history_entry(e, features, users) for e in events]


def search_notes(
    user: User | AnonymousUser, text: str, page: int = 1, per_page: int = 20
) -> tuple[list[Note], bool]:
    """One page of the notes this user may see that match `text`, newest first; and if more."""
    if not has_words(text):
        return [], False
    qs = search(visible_notes(user), text, "inbox_note", ("title", "body"))
    start = (max(page, 1) - 1) * per_page
    rows = list(
        qs.select_related("company", "person")
        .prefetch_related(loaded("tags"), linked_features())
        .order_by("-received_at", "-id")[start : start + per_page + 1]
    )
    return rows[:per_page], len(rows) > per_page


def next_new_note(user: User | AnonymousUser, note: Note) -> int | None:
    """The new note after this one in inbox order (older), else the newest new one."""
    new = visible_notes(user).filter(state=NoteState.NEW).exclude(pk=note.pk)
    older = new.filter(
        Q(received_at__lt=note.received_at) | Q(received_at=note.received_at, id__lt=note.pk)
    )
    for qs in (older, new):
        found = qs.order_by("-received_at", "-id").values_list("pk", flat=True).first()
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class FilterChoices:
    areas: list[tuple[Area, int]]
    teammates: list[User]
    company: Company | None
    tags: list[str]


def company_suggestions(text: str, limit: int = 20) -> list[str]:
    """Company names containing `text`, for the inbox's type-to-filter field."""
    if not text.strip():
        return []
    names = Company.objects.filter(name__icontains=text.strip()).order_by("name")
    return list(names.values_list("name", flat=True)[:limit])


def company_named(name: str) -> Company | None:
    """The company with this name (any case), else the first whose name contains it."""
    companies = Company.objects.only("id", "name")
    return (
        companies.filter(name__iexact=name).order_by("pk").first()
        or companies.filter(name__icontains=name).order_by("name").first()
    )


def inbox_filter_choices(company_id: int | None = None) -> FilterChoices:
    """What the inbox filters offer, in at most four queries whatever the inbox holds; the
    areas, teammates and tags usually from this process's copy (harken.inbox.choices)."""
    shared = shared_choices()
    return FilterChoices(
        areas=shared.areas,
        teammates=shared.teammates,
        # Only the chosen company: there may be tens of thousands, found by typing instead.
        company=Company.objects.only("id", "name").filter(pk=company_id).first()
        if company_id is not None
        else None,
        tags=shared.tags,
    )
