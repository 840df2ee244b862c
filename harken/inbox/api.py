"""Notes over the API: file, list with the inbox filters, read, triage, assign, tag."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Query, Router
from ninja.responses import Status, codes_4xx

from harken.accounts.access import access_teammate
from harken.accounts.models import User
from harken.api.auth import actor
from harken.api.refs import api_field_names, resolve
from harken.api.schemas import ErrorOut, Id
from harken.features.models import Tag
from harken.inbox.access import access_note
from harken.inbox.actions import (
    IncomingNote,
    do_assign_note,
    do_set_note_state,
    do_set_note_tags,
    ingest_note_tagged,
    stored_out_of_sight,
)
from harken.inbox.models import Note
from harken.inbox.queries import InboxFilters, inbox_page, linked_features
from harken.inbox.schemas import AssignIn, NoteFilters, NoteIn, NoteOut, NotePage, StateIn, TagsIn
from harken.inbox.why import WHY_FIELDS
from harken.lib.errors import NotFound
from harken.lib.paging import Page
from harken.lib.prefetch import know_related, loaded

router = Router(tags=["notes"])


def with_tags_and_links(notes: list[Note]) -> None:
    """Load what a stored note's answer shows besides its row: tags, and links with titles."""
    prefetch_related_objects(notes, loaded("tags"), linked_features())


def answers_as_new(note: Note, tags: Sequence[Tag]) -> None:
    """A note just stored answers without a query: its tags are those stored with it, and a
    new note has no links."""
    know_related(note, "tags", tags)
    know_related(note, "feature_links", [])


def incoming_note(payload: NoteIn) -> IncomingNote:
    return IncomingNote(
        title=payload.title,
        body=payload.body,
        source=payload.source,
        source_url=payload.source_url,
        external_id=payload.external_id,
        person_email=payload.person_email,
        person_name=payload.person_name,
        company_id=payload.company_id,
        received_at=payload.received_at,
        confidential=payload.confidential,
        tags=payload.tags,
        customer_priority=payload.customer_priority,
        links=payload.links,
        why={name: getattr(payload, name) for name in WHY_FIELDS},
    )


def load_note(user: User, note_id: int) -> Note:
    """A note the user may see, with what its answer shows, in three queries."""
    note = access_note(user, note_id)
    with_tags_and_links([note])
    return note


@router.get("/notes", response={200: NotePage, codes_4xx: ErrorOut})
def list_notes(request: HttpRequest, filters: Query[NoteFilters]) -> Page[Note]:
    """The inbox: newest first, filtered, one cursor page at a time."""
    inbox = InboxFilters(
        state=filters.state,
        source=filters.source,
        area=filters.area,
        assignee=filters.assignee,
        company=filters.company,
        tag=filters.tag,
        submitter=filters.submitter,
        q=filters.q,
    )
    return inbox_page(actor(request), inbox, filters.cursor, filters.limit)


@router.post("/notes", response={200: NoteOut, 201: NoteOut, codes_4xx: ErrorOut})
def create_note(request: HttpRequest, payload: NoteIn) -> Status[Note]:
    """File a note; 201 when stored, 200 when its external_id was already stored for its source."""
    # A note stored new is usually answered by harken.inbox.api_fast before Ninja sees the
    # request; what reaches here is mostly refusals and repeats of a stored external_id.
    user = actor(request)
    note, created, tags = ingest_note_tagged(user, incoming_note(payload))
    if created:
        # Its submitter may see it, and it holds its company and person already.
        answers_as_new(note, tags)
        return Status(201, note)
    try:
        note = load_note(user, note.pk)
    except NotFound:
        raise stored_out_of_sight() from None
    return Status(200, note)


@router.get("/notes/{note_id}", response={200: NoteOut, codes_4xx: ErrorOut})
def get_note(request: HttpRequest, note_id: Id) -> Note:
    return load_note(actor(request), note_id)


@router.post("/notes/{note_id}/state", response={200: NoteOut, codes_4xx: ErrorOut})
def set_state(request: HttpRequest, note_id: Id, payload: StateIn) -> Note:
    """Mark processed (with an optional comment to the submitter), snoozed, archived or new."""
    user = actor(request)
    note = access_note(user, note_id)
    do_set_note_state(
        user, note, payload.state, comment=payload.comment, snoozed_until=payload.snoozed_until
    )
    return load_note(user, note_id)


@router.put("/notes/{note_id}/assignee", response={200: NoteOut, codes_4xx: ErrorOut})
def assign(request: HttpRequest, note_id: Id, payload: AssignIn) -> Note:
    user = actor(request)
    note = access_note(user, note_id)
    assignee = resolve(access_teammate, user, payload.assignee_id, "assignee_id", "user")
    with api_field_names({"assignee": "assignee_id"}):
        do_assign_note(user, note, assignee)
    return load_note(user, note_id)


@router.put("/notes/{note_id}/tags", response={200: NoteOut, codes_4xx: ErrorOut})
def set_tags(request: HttpRequest, note_id: Id, payload: TagsIn) -> Note:
    """Replace the note's tags; unknown tag names are created."""
    user = actor(request)
    note = access_note(user, note_id)
    do_set_note_tags(user, note, payload.tags)
    return load_note(user, note_id)
