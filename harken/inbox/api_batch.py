"""POST /notes/batch: up to 500 notes in one request, each stored, found or refused on its own.

For integrations that sync many notes (a support tool's backlog, a CRM export): one request
and one transaction instead of one of each per note. Each note is checked as POST /notes
checks it and answers with its own status, so one bad note does not hold back the others.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import codes_4xx
from pydantic import ValidationError

from harken.api.auth import actor
from harken.api.errors import error_body, validation_error_body
from harken.api.schemas import ErrorBody, ErrorOut, Input
from harken.inbox.actions import IncomingNote
from harken.inbox.api import answers_as_new, incoming_note, with_tags_and_links
from harken.inbox.ingest_batch import BATCH_LIMIT, Outcome, ingest_notes
from harken.inbox.schemas import NoteIn, NoteOut

router = Router(tags=["notes"])


class NoteBatchIn(Input):
    notes: list[Any] = Field(
        min_length=1,
        max_length=BATCH_LIMIT,
        description=f"1 to {BATCH_LIMIT} notes, each as POST /notes takes it.",
    )


class NoteResult(Schema):
    status: int = Field(description="201 stored, 200 already stored (external_id), 400 refused.")
    note: NoteOut | None = None
    error: ErrorBody | None = None


class NoteBatchOut(Schema):
    created: int
    existing: int
    refused: int
    results: list[NoteResult] = Field(description="One per note sent, in the same order.")


def _parse(items: list[Any]) -> tuple[list[IncomingNote], dict[int, dict[str, Any]]]:
    """The notes that are well-formed, and the errors of the others by position."""
    parsed: list[IncomingNote] = []
    invalid: dict[int, dict[str, Any]] = {}
    for position, item in enumerate(items):
        try:
            parsed.append(incoming_note(NoteIn.model_validate(item)))
        except ValidationError as exc:
            invalid[position] = validation_error_body(
                [dict(e) for e in exc.errors(include_url=False)]
            )
    return parsed, invalid


def _result(outcome: Outcome) -> dict[str, Any]:
    if outcome.error is not None:
        error = outcome.error
        return {"status": 400, **error_body(error.code, error.message, error.field)}
    if outcome.created and outcome.note is not None:
        answers_as_new(outcome.note, outcome.tags)
    return {"status": 201 if outcome.created else 200, "note": outcome.note}


@router.post("/notes/batch", response={200: NoteBatchOut, codes_4xx: ErrorOut})
def create_notes(request: HttpRequest, payload: NoteBatchIn) -> dict[str, Any]:
    """File up to 500 notes; each result says 201, 200 (already stored) or 400 (and why)."""
    parsed, invalid = _parse(payload.notes)
    outcomes = iter(ingest_notes(actor(request), parsed))
    results: list[Any] = []
    for position in range(len(payload.notes)):
        if position in invalid:
            results.append({"status": 400, **invalid[position]})
        else:
            results.append(_result(next(outcomes)))
    with_tags_and_links([r["note"] for r in results if r["status"] == 200])
    counts = {s: sum(1 for r in results if r["status"] == s) for s in (200, 201, 400)}
    return {
        "created": counts[201],
        "existing": counts[200],
        "refused": counts[400],
        "results": results,
    }
