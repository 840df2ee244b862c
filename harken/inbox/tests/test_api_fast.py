"""POST /api/v1/notes answered before Ninja (harken.inbox.api_fast), and passed on to it.

The fast path must answer exactly what Ninja would, and must leave every other request,
untouched and with nothing stored, to Ninja.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from harken.accounts.actions import (
    do_create_token,
    do_revoke_token,
    do_set_active,
    do_set_role,
)
from harken.accounts.models import ApiToken, Role, TokenScope, User
from harken.api.testing import BASE, Api, assert_error
from harken.api.urls import api
from harken.audit.models import AuditEvent
from harken.customers.models import Company, Person
from harken.features.models import Tag
from harken.inbox.actions import IncomingNote
from harken.inbox.api_fast import create_note, file_by_token, file_with_token
from harken.inbox.models import Note, NoteTag, Source
from harken.inbox.tests.test_api_notes import EVERYTHING as EVERY_FIELD

EVERYTHING = {**EVERY_FIELD, "confidential": True}


def token_for(user: User, scope: TokenScope = TokenScope.WRITE) -> str:
    return do_create_token(user, user, "fast", scope)[1]


def post(token: str | None, body: Any, content_type: str = "application/json") -> Any:
    """A request as the endpoint gets it, for the fast path alone."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return RequestFactory().post(f"{BASE}/notes", data, content_type=content_type, headers=headers)


def answered_fast(ctx: CaptureQueriesContext) -> bool:
    """The fast path looks tokens up by a list of digests, Ninja's auth by one."""
    table = ApiToken._meta.db_table
    return any(table in q["sql"] and " IN (" in q["sql"] for q in ctx.captured_queries)


def test_its_answer_is_ninjas_answer_for_the_same_note(
    client: Client, contributor: User, acme: Company
) -> None:
    Tag.objects.create(name="Reporting")
    api_client = Api.as_user(client, contributor)
    with CaptureQueriesContext(connection) as ctx:
        filed = api_client.post("/notes", EVERYTHING)
    assert filed.status_code == 201, filed.content
    assert answered_fast(ctx)
    read = api_client.get(f"/notes/{filed.json()['id']}")  # Ninja's view of the stored note
    assert read.status_code == 200
    assert filed.json() == read.json()
    assert filed.json()["company"] == {"id": acme.pk, "name": "Acme Corp"}
    assert filed.json()["tags"] == ["Reporting", "pdf"]
    assert filed["Content-Type"] == read["Content-Type"] == "application/json; charset=utf-8"
    # It goes through the API's middleware like every answer.
    assert filed["X-Content-Type-Options"] == "nosniff"
    assert filed["X-Frame-Options"] == "DENY"
    note = Note.objects.get()
    assert (note.submitter, note.company, note.confidential) == (contributor, acme, True)
    event = AuditEvent.objects.get(action="note.created")
    assert (event.actor, event.object_id) == (contributor, str(note.pk))
    assert ApiToken.objects.get(user=contributor).last_used_at is not None


def test_what_it_passes_on_is_left_to_ninja_with_nothing_stored(
    contributor: User,
    other_contributor: User,
    viewer: User,
    maker: User,
    admin: User,
    acme: Company,
) -> None:
    write = token_for(contributor)
    revoked = token_for(maker)
    do_revoke_token(maker, ApiToken.objects.get(user=maker))
    quitter = User.objects.create_user("quitter", role="contributor")
    inactive = token_for(quitter)
    do_set_active(admin, quitter, False)
    demoted = token_for(other_contributor)
    do_set_role(admin, other_contributor, Role.VIEWER)
    ok = {"title": "Fine"}
    passed_on = [
        post(None, ok),
        post("not-a-token", ok),
        post(revoked, ok),
        post(inactive, ok),
        post(token_for(contributor, TokenScope.READ), ok),
        post(token_for(viewer, TokenScope.READ), ok),
        post(demoted, ok),
        post(write, ok, content_type="text/plain"),
        post(write, b"{not json"),
        post(write, b"[1, 2]"),
        post(write, {"title": "x" * 301}),
        post(write, {"title": "   "}),  # the inbox refuses it (check_incoming)
        post(write, {"title": "For Acme", "source": "manual", "company_id": acme.pk}),  # no why
        post(write, {"title": "Nobody's", "company_id": 999_999}),
    ]
    for request in passed_on:
        assert create_note(api, request) is None, request.body
    assert Note.objects.count() == 0
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="note.created").exists()
    get = RequestFactory().get(f"{BASE}/notes", headers={"Authorization": f"Bearer {write}"})
    assert create_note(api, get) is None


def test_a_repeat_of_a_stored_external_id_is_left_to_ninja(
    client: Client, contributor: User
) -> None:
    api_client = Api.as_user(client, contributor)
    first = api_client.post("/notes", {"title": "Once", "source": "github", "external_id": "g-1"})
    assert first.status_code == 201
    twice = {"title": "Twice", "source": "github", "external_id": "g-1"}
    assert create_note(api, post(token_for(contributor), twice)) is None
    again = api_client.post("/notes", twice)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert Note.objects.count() == 1


def test_refusals_reach_the_client_as_ninja_words_them(
    client: Client, contributor: User, admin: User
) -> None:
    writer = Api.as_user(client, contributor)
    reader = Api.as_user(client, contributor, TokenScope.READ)
    assert_error(reader.post("/notes", {"title": "x"}), 403, "read_only_token")
    do_set_role(admin, contributor, Role.VIEWER)
    assert_error(writer.post("/notes", {"title": "x"}), 403, "forbidden")
    assert_error(Api(client, None).post("/notes", {"title": "x"}), 401, "unauthorized")
    assert_error(Api(client, "nope").post("/notes", {"title": "x"}), 401, "unauthorized")


def test_a_group_stores_what_each_token_may_file_and_passes_on_the_rest(
    contributor: User, other_contributor: User, maker: User, admin: User
) -> None:
    mine = ApiToken.digest_of(token_for(contributor))
    theirs = ApiToken.digest_of(token_for(other_contributor))
    reader = ApiToken.digest_of(token_for(contributor, TokenScope.READ))
    viewers = ApiToken.digest_of(token_for(maker))
    do_set_role(admin, maker, Role.VIEWER)
    outcomes = file_by_token(
        [
            (mine, IncomingNote(title="A", source=Source.API, person_email="jo@acme.com")),
            (reader, IncomingNote(title="B")),
            (theirs, IncomingNote(title="C", tags=["sso"])),
            (viewers, IncomingNote(title="D")),
            ("0" * 64, IncomingNote(title="E")),
            (mine, IncomingNote(title="  ")),
        ]
    )
    stored = [o.note.title if o and o.note else None for o in outcomes]
    assert stored == ["A", None, "C", None, None, None]
    assert dict(Note.objects.values_list("title", "submitter")) == {
        "A": contributor.pk,
        "C": other_contributor.pk,
    }
    assert file_by_token([(reader, IncomingNote(title="B"))]) == [None]


@pytest.mark.django_db(transaction=True)
def test_requests_filing_at_once_store_every_note_once(
    contributor: User, other_contributor: User
) -> None:
    """Real threads, each with its own connection, as a web process's request threads."""
    digests = [ApiToken.digest_of(token_for(user)) for user in (contributor, other_contributor)]
    users = [contributor, other_contributor]

    def file(i: int) -> tuple[int, int] | None:
        try:
            outcome = file_with_token(
                digests[i % 2],
                IncomingNote(
                    title=f"Note {i}",
                    person_email=f"p{i % 7}@firm{i % 7 % 3}.example",
                    tags=[f"t{i % 4}", "shared"],
                    external_id=f"ext-{i % 150}",
                    source=Source.INTERCOM,
                ),
            )
            if outcome is None or outcome.note is None:
                return None
            return outcome.note.pk, len(outcome.tags)
        finally:
            close_old_connections()
            connection.close()

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(file, range(200)))
    # 150 distinct external ids: each stored once; a repeat is left to Ninja, which finds
    # the stored note.
    stored = [r for r in results if r is not None]
    assert len(stored) == 150
    assert Note.objects.count() == 150
    assert sorted(pk for pk, _ in stored) == sorted(Note.objects.values_list("pk", flat=True))
    assert all(tags == 2 for _, tags in stored)
    assert NoteTag.objects.count() == 300
    assert set(Tag.objects.values_list("name", flat=True)) == {"t0", "t1", "t2", "t3", "shared"}
    assert Person.objects.count() == 7
    # Groups creating the same new person at once: only the one whose insert won audits it.
    assert AuditEvent.objects.filter(action="person.created").count() == 7
    assert AuditEvent.objects.filter(action="note.created").count() == 150
    submitters = dict(Note.objects.values_list("external_id", "submitter"))
    # ext-i is filed by note i and, for i < 50, by note i + 150: the same user either way.
    assert submitters == {f"ext-{i}": users[i % 2].pk for i in range(150)}
