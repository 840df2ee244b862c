"""POST /api/v1/notes without Ninja, for the requests that store a new note.

Integrations file notes one request each, and for a filed note Ninja's layers cost about
as much CPU as storing it: its own query for the bearer token, building the parameters,
validating the answer against its schema. So the notes endpoint is tried here first: in
production before Django's handler (harken.web.handler), through the test client before the
Ninja view (`HarkenAPI(fast_paths=...)`). A request is taken when it would be answered 201: a write
token of someone who may file, JSON that `NoteIn` accepts, a note that is stored new. It is
stored together with the notes of the other requests this process serves at the moment
(harken.lib.group_commit), their tokens checked by one query just before the group is stored.

Every other request goes on to the Ninja view untouched: no or a bad token, a read-only
token, a viewer, a body that is not JSON or breaks a field's rule, a repeat of a stored
external_id, a note the inbox refuses. Nothing was stored for it here, so Ninja answers it
exactly as it would have, in the API's one error shape. The parser, the input schema and
the renderer are the API's own; the answer is NoteOut's fields read from the stored note, and
tests compare this path's answers with Ninja's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse
from pydantic import ValidationError

from harken.accounts.models import ApiToken, User
from harken.api.auth import bearer, tokens_with_digests, touch
from harken.api.schemas import Ref
from harken.features.models import Tag
from harken.inbox.actions import IncomingNote
from harken.inbox.api import incoming_note
from harken.inbox.ingest_batch import BATCH_LIMIT, Outcome, ingest_filed
from harken.inbox.models import Note
from harken.inbox.schemas import NoteIn, NoteOut, PersonRef
from harken.lib.errors import ActionError
from harken.lib.group_commit import GroupCommit

if TYPE_CHECKING:
    from ninja import NinjaAPI


def _filer(token: ApiToken | None) -> User | None:
    """Who files with this token, if it may: a write token of a contributor or above."""
    if token is None or not token.can_write or not token.user.can_file_notes:
        return None
    return token.user


def file_by_token(filed: Sequence[tuple[str, IncomingNote]]) -> list[Outcome | None]:
    """Store each note whose token (by digest) may file it: its outcome when stored new,
    None for every other note (a token that may not file, a refusal, a stored repeat)."""
    if not connection.in_atomic_block:
        # What the request signals' receivers do, which requests answered before Django's
        # handler do not send: a connection that failed or outlived CONN_MAX_AGE is closed,
        # and the next query checks the connection's health (CONN_HEALTH_CHECKS).
        connection.close_if_unusable_or_obsolete()
    tokens = tokens_with_digests(digest for digest, _ in filed)
    taken: list[tuple[int, User]] = []
    for position, (digest, _) in enumerate(filed):
        filer = _filer(tokens.get(digest))
        if filer is not None:
            taken.append((position, filer))
    answers: list[Outcome | None] = [None] * len(filed)
    if not taken:
        return answers
    touch({tokens[filed[position][0]] for position, _ in taken})  # each token once
    outcomes = ingest_filed([(filer, filed[position][1]) for position, filer in taken])
    for (position, _), outcome in zip(taken, outcomes, strict=True):
        if outcome.created:
            answers[position] = outcome
    return answers


def _file_alone(item: tuple[str, IncomingNote]) -> Outcome | None:
    return file_by_token([item])[0]


_FILED = GroupCommit(_file_alone, file_by_token, limit=BATCH_LIMIT)


def file_with_token(digest: str, incoming: IncomingNote) -> Outcome | None:
    """`file_by_token` for one request: stored alone, or with the notes of the requests that
    came while another was being stored."""
    return _FILED((digest, incoming))


def create_note(api: NinjaAPI, request: HttpRequest) -> HttpResponse | None:
    """The 201 Ninja's create_note would give, or None to let Ninja answer."""
    if request.method != "POST":
        return None
    # While it reads its note, a note about to be stored alone waits to be stored with it.
    with _FILED.arriving() as file:
        try:
            # From META: request.headers builds a dict of every header first.
            digest = ApiToken.digest_of(bearer(request.META.get("HTTP_AUTHORIZATION", "")))
            data = api.parser.parse_body(request)
            incoming = incoming_note(NoteIn.model_validate(data, context={"request": request}))
        except (ActionError, RequestDataTooBig, ValidationError):
            return None
        outcome = file((digest, incoming))
    if outcome is None or outcome.note is None:
        return None
    return api.create_response(request, _answer(outcome.note, outcome.tags), status=201)


def _answer(note: Note, tags: Sequence[Tag]) -> dict[str, Any]:
    """NoteOut of a note just stored, from its attributes as they are: validating them again
    through Ninja's attribute getter cost a quarter of the request's time. A new note's tags
    are those stored with it, and it has no links. Tests compare it with Ninja's answer."""
    company, person = note.company, note.person
    nested: dict[str, Any] = {
        "company": None if company is None else {f: getattr(company, f) for f in _REF},
        "person": None if person is None else {f: getattr(person, f) for f in _PERSON_REF},
        "tags": sorted(tag.name for tag in tags),
        "feature_links": [],
    }
    return {name: nested[name] if name in nested else getattr(note, name) for name in _FIELDS}


# The schemas' fields, in the order they answer them.
_FIELDS = tuple(NoteOut.model_fields)
_REF = tuple(Ref.model_fields)
_PERSON_REF = tuple(PersonRef.model_fields)
