"""Read models for company pages: who they are and everything they asked for."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lower

from harken.accounts.models import User
from harken.customers.models import Company, CompanyDomain, Person
from harken.features.models import Status
from harken.inbox.access import visible_links, visible_notes
from harken.inbox.models import Importance, Note
from harken.lib.errors import ActionError
from harken.lib.paging import Page, decode_cursor, encode_cursor

_RANK = {
    Importance.UNKNOWN: 0,
    Importance.NICE_TO_HAVE: 1,
    Importance.IMPORTANT: 2,
    Importance.CRITICAL: 3,
}
_BY_RANK = {rank: importance for importance, rank in _RANK.items()}


@dataclass(frozen=True)
class AskedFeature:
    """What an ask's row shows of its feature."""

    pk: int
    title: str
    status: Status


@dataclass(frozen=True)
class CompanyAsk:
    feature: AskedFeature
    notes: int
    importance: Importance
    last_asked: object


@dataclass(frozen=True)
class AsksPage:
    asks: list[CompanyAsk]
    total: int
    page: int
    has_next: bool


def company_asks(
    user: User | AnonymousUser, company: Company, page: int = 1, per_page: int = 50
) -> AsksPage:
    """One page of the features this company asked for, most critical and most asked first.

    One query: the database groups this company's links by feature (index
    link_company_feature), ranks the groups and returns the page shown, with each feature's
    title and status and the number of groups. A company that asked for hundreds of features
    costs no more than one that asked for fifty.
    """
    links = visible_links(user).filter(company=company)
    # A feature ranks by the highest importance any of its links gave it.
    rank = Case(
        *[When(importance=importance, then=Value(r)) for importance, r in _RANK.items()],
        default=Value(_RANK[Importance.UNKNOWN]),
        output_field=IntegerField(),
    )
    shown = ("feature_id", "feature__title", "feature__status_id")
    shown_status = ("feature__status__name", "feature__status__category")
    groups = (
        links.values(*shown, *shown_status)
        .annotate(
            notes=Count("id"),
            top=Max(rank),
            last=Max("created_at"),
            groups=Window(Count("*")),
        )
        .order_by("-top", "-notes", "feature_id")
    )
    start = (page - 1) * per_page
    rows = list(
        groups.values_list(*shown, *shown_status, "notes", "top", "last", "groups")[
            start : start + per_page
        ]
    )
    # Past the last page there is no row to carry the count of groups.
    total = rows[0][-1] if rows else links.values("feature_id").distinct().count()
    # A handful of statuses serve fifty rows: build each once.
    statuses = {
        status_id: Status(id=status_id, name=name, category=category)
        for status_id, name, category in {row[2:5] for row in rows}
    }
    asks = [
        CompanyAsk(AskedFeature(pk, title, statuses[status_id]), notes, _BY_RANK[top], last)
        for pk, title, status_id, _name, _category, notes, top, last, _ in rows
    ]
    return AsksPage(asks, total, page, start + per_page < total)


COMPANY_SORTS = {
    "arr": (F("arr").desc(), Lower("name"), "id"),
    "name": (Lower("name"), "id"),
}


def companies_list(q: str = "", sort: str = "arr") -> QuerySet[Company]:
    """Companies matching `q` in their name or any of their domains, largest accounts first."""
    if sort not in COMPANY_SORTS:
        raise ActionError(f"Sort must be one of: {', '.join(COMPANY_SORTS)}.", field="sort")
    qs = Company.objects.select_related("account_owner", "csm").prefetch_related(
        Prefetch("extra_domains", queryset=CompanyDomain.objects.order_by("domain"))
    )
    term = q.strip().lower()
    if term:
        qs = qs.filter(
            Q(name__icontains=term)
            | Q(domain__icontains=term)
            | Exists(CompanyDomain.objects.filter(company=OuterRef("pk"), domain__icontains=term))
        )
    return qs.order_by(*COMPANY_SORTS[sort])


# What a company's note items show (customers/note_items.jinja), and the paging key.
_NOTE_ITEM_COLUMNS = (
    "id",
    "title",
    "body",
    "state",
    "source",
    "confidential",
    "received_at",
    "company_id",
    "person",
    "person__name",
    "person__email",
    "submitter",
    "submitter__username",
    "submitter__first_name",
    "submitter__last_name",
)


def company_notes_page(
    user: User | AnonymousUser, company: Company, cursor: str | None = None, limit: int = 20
) -> Page[Note]:
    """This company's notes the user may see, newest first, keyset-paged."""
    qs = visible_notes(user).filter(company=company)
    if cursor:
        moment, pk = decode_cursor(cursor)
        qs = qs.filter(Q(received_at__lt=moment) | Q(received_at=moment, id__lt=pk))
    rows = list(
        qs.select_related("person", "submitter")
        .only(*_NOTE_ITEM_COLUMNS)
        .order_by("-received_at", "-id")[: limit + 1]
    )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1].received_at, rows[-1].pk)
    return Page(rows, next_cursor)


def people_list(q: str = "", company: int | None = None) -> QuerySet[Person]:
    """People whose email or name holds `q`, by email; each with their company, one query."""
    qs = Person.objects.select_related("company")
    term = q.strip()
    if term:
        qs = qs.filter(Q(email__icontains=term) | Q(name__icontains=term))
    if company is not None:
        qs = qs.filter(company_id=company)
    return qs.order_by("email", "id")
