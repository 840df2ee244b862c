"""The note page and its triage panel: link to features, assign, snooze, process, archive."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from harken.accounts.access import access_teammate, require_role, staff
from harken.accounts.models import Role, User
from harken.features.access import access_area, access_feature
from harken.features.models import Area, Feature
from harken.features.queries import area_tree, feature_typeahead
from harken.inbox.access import access_link, access_note
from harken.inbox.actions import (
    do_assign_note,
    do_link_note,
    do_link_note_to_new_feature,
    do_set_note_state,
    do_set_note_tags,
    do_unlink_note,
)
from harken.inbox.forms import why_label
from harken.inbox.models import Importance, Note, NoteState
from harken.inbox.queries import next_new_note, note_history, note_links, teammates
from harken.inbox.views_common import is_htmx
from harken.inbox.why import WHY_FIELDS
from harken.lib.errors import ActionError, NotFound
from harken.web.decorators import staff_page
from harken.web.params import int_param

# The choices a product manager makes when linking; "unknown" is only for channels that guess.
LINK_IMPORTANCES = (Importance.NICE_TO_HAVE, Importance.IMPORTANT, Importance.CRITICAL)
SNOOZE_DEFAULT_DAYS = 7

Apply = Callable[[User, Note], str]


def marked_body(body: str, passages: list[str]) -> SafeString:
    """The body, escaped, with each linked passage wrapped in <mark> (whitespace-tolerant)."""
    spans: list[tuple[int, int]] = []
    for passage in {p.strip() for p in passages if p.strip()}:
        pattern = r"\s+".join(re.escape(word) for word in passage.split())
        found = re.search(pattern, body, re.IGNORECASE)
        if found:
            spans.append(found.span())
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    pieces, cursor = [], 0
    for start, end in merged:
        pieces.append((body[cursor:start], body[start:end]))
        cursor = end
    return format_html_join("", "{}<mark>{}</mark>", pieces) + format_html("{}", body[cursor:])


def _context(
    user: User, note: Note, typed: Mapping[str, str], *, error: str = "", notice: str = ""
) -> dict[str, Any]:
    links = note_links(user, note)
    ctx: dict[str, Any] = {
        "note": note,
        "tags": list(note.tags.all()),
        "links": links,
        "history": note_history(note),
        "body": marked_body(note.body, [link.highlight for link in links]),
        "why": [
            (why_label(name), getattr(note, name))
            for name in WHY_FIELDS
            if getattr(note, name).strip()
        ],
        "can_triage": user.can_triage,
        "typed": typed,
        "error": error,
        "notice": notice,
        "nav": "inbox",
    }
    if user.can_triage:
        feature_q = typed.get("feature_q", "").strip()
        today = timezone.localdate()
        ctx.update(
            teammates=teammates(),
            areas=area_tree(),
            importances=[(i.value, i.label) for i in LINK_IMPORTANCES],
            importance=typed.get("importance") or Importance.NICE_TO_HAVE,
            feature_q=feature_q,
            choices=feature_typeahead(feature_q) if feature_q else [],
            linked_ids={link.feature_id for link in links},
            snooze_min=(today + timedelta(days=1)).isoformat(),
            snooze_default=(today + timedelta(days=SNOOZE_DEFAULT_DAYS)).isoformat(),
            tags_text=", ".join(t.name for t in ctx["tags"]),
        )
    return ctx


def _render(
    request: HttpRequest,
    note: Note,
    typed: Mapping[str, str],
    *,
    partial: bool = False,
    error: str = "",
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    user = staff(request.user)
    template = "inbox/note.html#note_main" if partial else "inbox/note.html"
    ctx = _context(user, note, typed, error=error, notice=notice)
    return render(request, template, ctx, status=status)


@staff_page
def note_page(request: HttpRequest, pk: int) -> HttpResponse:
    note = access_note(request.user, pk)
    return _render(request, note, request.GET)


def _triage(
    request: HttpRequest, pk: int, apply: Apply, then: Callable[[User, Note], str] | None = None
) -> HttpResponse:
    """Run one triage action; htmx gets the refreshed panel, a plain form a redirect.

    `then` names the page to go to next instead of coming back to the note.
    """
    user = require_role(request.user, Role.MAKER, "triage feedback")
    note = access_note(user, pk)
    try:
        notice = apply(user, note)
    except ActionError as error:
        if error.status != 400 or not is_htmx(request):
            raise
        fresh = access_note(user, pk)
        return _render(request, fresh, request.POST, partial=True, error=error.message, status=400)
    if then is None and is_htmx(request):
        return _render(request, access_note(user, pk), {}, partial=True, notice=notice)
    messages.success(request, notice)
    target = then(user, note) if then is not None else f"/notes/{pk}/"
    if is_htmx(request):
        return HttpResponse(headers={"HX-Redirect": target})
    return redirect(target)


def _importance(raw: str) -> Importance:
    if raw not in [i.value for i in LINK_IMPORTANCES]:
        raise ActionError(
            "Importance is one of: nice to have, important, critical.", field="importance"
        )
    return Importance(raw)


def _feature(user: User, raw: str) -> Feature:
    if not raw.isdigit() or len(raw) > 18:
        raise ActionError("Pick a feature from the list.", field="feature")
    try:
        return access_feature(user, int(raw))
    except NotFound:
        raise ActionError(
            f"There is no feature #{raw}: pick one from the list.", field="feature"
        ) from None


def _area(user: User, params: Mapping[str, str]) -> Area | None:
    area_id = int_param(params, "area", "The area")
    if area_id is None:
        return None
    try:
        return access_area(user, area_id)
    except NotFound:
        raise ActionError(f"There is no area #{area_id}.", field="area") from None


@staff_page
@require_POST
def note_link(request: HttpRequest, pk: int) -> HttpResponse:
    data = request.POST
    picked = data.get("feature", "").strip()
    if not picked and data.get("feature_q", "").strip():
        # Nothing picked yet, only typed (Enter in the search box, or no JavaScript): answer
        # with the matching features, keeping what was typed.
        user = require_role(request.user, Role.MAKER, "triage feedback")
        note = access_note(user, pk)
        return _render(request, note, data, partial=is_htmx(request))

    def apply(user: User, note: Note) -> str:
        importance = _importance(data.get("importance", ""))
        highlight = data.get("highlight", "")
        if picked == "new":
            title = data.get("feature_q", "")
            _, feature = do_link_note_to_new_feature(
                user, note, title, importance, highlight, _area(user, data)
            )
            return f"Created “{feature.title}” and linked this note to it as {importance.label}."
        if not picked:
            raise ActionError(
                "Pick a feature to link to, or type a title to find or create one.",
                field="feature",
            )
        feature = _feature(user, picked)
        _, created = do_link_note(user, note, feature, importance, highlight)
        verb = "Linked to" if created else "Updated the link to"
        return f"{verb} “{feature.title}” ({importance.label})."

    return _triage(request, pk, apply)


@staff_page
@require_POST
def note_unlink(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    def apply(user: User, note: Note) -> str:
        link = access_link(user, link_pk)
        if link.note_id != note.pk:
            raise NotFound("link")
        title = link.feature.title
        do_unlink_note(user, link)
        return f"Unlinked from “{title}”."

    return _triage(request, pk, apply)


@staff_page
@require_POST
def note_assign(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: User, note: Note) -> str:
        raw = request.POST.get("assignee", "").strip()
        assignee: User | None
        if raw == "me":
            assignee = user
        else:
            assignee_id = int_param(request.POST, "assignee", "The assignee")
            try:
                assignee = access_teammate(user, assignee_id) if assignee_id else None
            except NotFound:
                raise ActionError("Pick a teammate from the list.", field="assignee") from None
        do_assign_note(user, note, assignee)
        return f"Assigned to {assignee.display_name}." if assignee else "Unassigned."

    return _triage(request, pk, apply)


def _snooze_until(raw: str) -> datetime:
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise ActionError(
            "Pick the date to snooze until, like 2030-03-31.", field="snoozed_until"
        ) from None
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


STATE_NOTICES = {
    NoteState.NEW: "Back in the inbox as new.",
    NoteState.PROCESSED: "Marked processed.",
    NoteState.ARCHIVED: "Archived.",
    NoteState.SNOOZED: "Snoozed until {:%b %d, %Y}; it comes back as new then.",
}


@staff_page
@require_POST
def note_state(request: HttpRequest, pk: int) -> HttpResponse:
    data = request.POST

    def apply(user: User, note: Note) -> str:
        raw = data.get("state", "")
        if raw not in NoteState.values:
            raise ActionError(
                f"State must be one of: {', '.join(NoteState.values)}.", field="state"
            )
        state = NoteState(raw)
        until = _snooze_until(data.get("until", "")) if state == NoteState.SNOOZED else None
        tells = state == NoteState.PROCESSED and note.submitter_id not in (None, user.pk)
        do_set_note_state(user, note, state, comment=data.get("comment", ""), snoozed_until=until)
        notice = STATE_NOTICES[state].format(until)
        if tells and note.submitter is not None:
            notice += f" {note.submitter.display_name} has been told."
        return notice

    def following(user: User, note: Note) -> str:
        # "Process and next": walk the inbox without going back to the list.
        next_id = next_new_note(user, note)
        if next_id is None:
            messages.info(request, "That was the last new note. Inbox zero!")
            return "/inbox/"
        return f"/notes/{next_id}/"

    return _triage(request, pk, apply, following if data.get("then") == "next" else None)


@staff_page
@require_POST
def note_tags(request: HttpRequest, pk: int) -> HttpResponse:
    def apply(user: User, note: Note) -> str:
        names = [t.strip() for t in request.POST.get("tags", "").split(",") if t.strip()]
        do_set_note_tags(user, note, names)
        return "Tags saved."

    return _triage(request, pk, apply)


@staff_page
def feature_lookup(request: HttpRequest) -> HttpResponse:
    """The link picker's typeahead: features whose title matches what was typed."""
    user = require_role(request.user, Role.MAKER, "link feedback to features")
    feature_q = request.GET.get("feature_q", "").strip()[:200]
    note_id = int_param(request.GET, "note", "The note")
    linked: set[int] = set()
    if note_id is not None:
        linked = {link.feature_id for link in note_links(user, access_note(user, note_id))}
    return render(
        request,
        "inbox/note.html#feature_choices",
        {
            "choices": feature_typeahead(feature_q) if feature_q else [],
            "feature_q": feature_q,
            "linked_ids": linked,
        },
    )
