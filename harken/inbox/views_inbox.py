"""The inbox list and the search page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render

from harken.accounts.access import staff
from harken.features.queries import search_features
from harken.inbox.models import NoteState, Source
from harken.inbox.queries import (
    InboxFilters,
    company_named,
    company_suggestions,
    inbox_filter_choices,
    inbox_page,
    search_notes,
)
from harken.inbox.views_common import is_htmx
from harken.lib.errors import ActionError
from harken.lib.search import has_words
from harken.web.decorators import staff_page
from harken.web.params import int_param, page_param, query_string

PER_PAGE = 30
SEARCH_PER_PAGE = 20
ALL_STATES = "all"
FILTER_KEYS = ("state", "q", "source", "area", "assignee", "company", "tag", "submitter")

STATE_TABS = [
    (NoteState.NEW.value, "New"),
    (NoteState.SNOOZED.value, "Snoozed"),
    (NoteState.PROCESSED.value, "Processed"),
    (NoteState.ARCHIVED.value, "Archived"),
    (ALL_STATES, "All"),
]


def _filters(params: QueryDict) -> tuple[InboxFilters, dict[str, str]]:
    """The inbox filters from the query string, and the raw values to keep in links."""
    raw = {key: params.get(key, "").strip()[:200] for key in FILTER_KEYS}
    company_id = int_param(params, "company", "The company")
    # A company typed by name becomes the company filter.
    company_name = params.get("company_name", "").strip()[:200]
    if company_name and company_id is None:
        company = company_named(company_name)
        if company is None:
            raise ActionError(
                f"No company is named like “{company_name}”: check the spelling.",
                field="company_name",
            )
        company_id = company.pk
        raw["company"] = str(company_id)
    # A missing state means the working view: what is new. "all" lifts the filter.
    raw["state"] = raw["state"] or NoteState.NEW.value
    filters = InboxFilters(
        state=None if raw["state"] == ALL_STATES else raw["state"],
        source=raw["source"] or None,
        area=int_param(params, "area", "The area"),
        assignee=raw["assignee"] or None,
        company=company_id,
        tag=raw["tag"] or None,
        submitter=int_param(params, "submitter", "The submitter"),
        q=raw["q"],
    )
    return filters, raw


@staff_page
def inbox(request: HttpRequest) -> HttpResponse:
    user = staff(request.user)
    filters, raw = _filters(request.GET)
    cursor = request.GET.get("cursor", "").strip() or None
    page = inbox_page(user, filters, cursor=cursor, limit=PER_PAGE)
    ctx: dict[str, Any] = {
        "page": page,
        "raw": raw,
        "nav": "inbox",
        "can_triage": user.can_triage,
        "tabs": [
            (label, query_string({**raw, "state": value}), value == raw["state"])
            for value, label in STATE_TABS
        ],
        "older_url": query_string({**raw, "cursor": page.next_cursor}) if page.next_cursor else "",
        "newest_url": query_string(raw) if cursor else "",
        "clear_url": query_string({"state": raw["state"]}),
        "mine_url": query_string({"state": ALL_STATES, "submitter": user.pk}),
        "mine": raw["submitter"] == str(user.pk),
        "filtered": any(raw[key] for key in FILTER_KEYS if key != "state"),
    }
    if is_htmx(request) and request.headers.get("HX-Target") == "inbox-results":
        return render(request, "inbox/inbox.html#results", ctx)
    ctx.update(
        choices=inbox_filter_choices(filters.company),
        company_clear_url=query_string({**raw, "company": ""}),
        sources=Source.choices,
    )
    return render(request, "inbox/inbox.html", ctx)


@staff_page
def company_options(request: HttpRequest) -> HttpResponse:
    """Datalist options for the inbox's company field."""
    staff(request.user)
    names = company_suggestions(request.GET.get("company_name", "")[:200])
    return render(request, "inbox/company_options.jinja", {"names": names})


@staff_page
def search(request: HttpRequest) -> HttpResponse:
    user = staff(request.user)
    q = request.GET.get("q", "").strip()[:200]
    notes_page = page_param(request.GET, "np")
    features_page = page_param(request.GET, "fp")
    notes, more_notes = search_notes(user, q, notes_page, SEARCH_PER_PAGE)
    features, more_features = search_features(q, features_page, SEARCH_PER_PAGE)

    def url(np: int, fp: int) -> str:
        return query_string({"q": q, "np": np if np > 1 else "", "fp": fp if fp > 1 else ""})

    return render(
        request,
        "inbox/search.html",
        {
            "search_q": q,
            "searched": has_words(q),
            "notes": notes,
            "features": features,
            "notes_next": url(notes_page + 1, features_page) if more_notes else "",
            "notes_prev": url(notes_page - 1, features_page) if notes_page > 1 else "",
            "features_next": url(notes_page, features_page + 1) if more_features else "",
            "features_prev": url(notes_page, features_page - 1) if features_page > 1 else "",
        },
    )
