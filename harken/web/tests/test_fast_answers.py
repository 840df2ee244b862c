"""POST /api/v1/notes answered before Django's handler, as production's WSGI application
serves it (harken.web.handler), and what it passes on reaching the handler intact."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from io import BytesIO
from typing import Any

import pytest
from django.core.signals import request_started
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test.utils import CaptureQueriesContext

from harken.accounts.models import ApiToken, TokenScope, User
from harken.inbox.actions import IncomingNote
from harken.inbox.api_fast import file_by_token
from harken.inbox.models import Note
from harken.inbox.tests.test_api_notes import EVERYTHING
from harken.web.handler import ApiHandler
from harken.web.tests.test_handler import _call

JSON = {"Content-Type": "application/json"}


@contextmanager
def handler_requests() -> Iterator[list[Any]]:
    """The requests that went through Django's handler (it sends request_started)."""
    started: list[Any] = []

    def count(**kwargs: Any) -> None:
        started.append(kwargs["environ"].get("PATH_INFO"))

    request_started.connect(count)
    try:
        yield started
    finally:
        request_started.disconnect(count)


def tokens_looked_up_by_list(ctx: CaptureQueriesContext) -> int:
    """The fast path looks tokens up by a list of digests, Ninja's auth by one."""
    table = ApiToken._meta.db_table
    return sum(table in q["sql"] and " IN (" in q["sql"] for q in ctx.captured_queries)


@pytest.mark.django_db
def test_a_new_note_is_answered_before_the_handler_as_ninja_answers_it(
    contributor: User, token_for: Callable[..., str]
) -> None:
    auth = {"Authorization": f"Bearer {token_for(contributor)}"}
    with handler_requests() as started:
        status, headers, content = _call(
            "POST", "/api/v1/notes", {**auth, **JSON}, json.dumps(EVERYTHING).encode()
        )
    assert status == 201, content
    assert started == []
    note_id = json.loads(content)["id"]
    # Ninja's answer about the same note, through the handler.
    with handler_requests() as started:
        _, read_headers, read = _call("GET", f"/api/v1/notes/{note_id}", auth)
    assert started == [f"/api/v1/notes/{note_id}"]
    assert json.loads(content) == json.loads(read)
    assert set(headers) == set(read_headers)
    for name in ("content-type", "x-content-type-options", "x-frame-options", "referrer-policy"):
        assert headers[name] == read_headers[name]
    assert headers["content-length"] == [str(len(content))]
    assert Note.objects.get(pk=note_id).submitter == contributor


@pytest.mark.django_db
def test_what_it_passes_on_reaches_the_handler_with_its_body_once(
    contributor: User, token_for: Callable[..., str]
) -> None:
    write = {"Authorization": f"Bearer {token_for(contributor)}", **JSON}
    once = json.dumps({"title": "Once", "source": "github", "external_id": "g-1"}).encode()
    status, _, first = _call("POST", "/api/v1/notes", write, once)
    assert status == 201
    # A repeat is Ninja's to answer: it needs the body the fast path read.
    with handler_requests() as started, CaptureQueriesContext(connection) as ctx:
        status, _, again = _call("POST", "/api/v1/notes", write, once)
    assert (status, json.loads(again)) == (200, json.loads(first))
    assert started == ["/api/v1/notes"]
    assert tokens_looked_up_by_list(ctx) == 1  # offered to the fast path once, not twice

    status, _, content = _call("POST", "/api/v1/notes", write, b"{not json")
    assert status == 400
    assert json.loads(content)["error"]["code"] == "malformed_json"

    reader = {"Authorization": f"Bearer {token_for(contributor, TokenScope.READ)}", **JSON}
    status, _, content = _call("POST", "/api/v1/notes", reader, b'{"title": "No"}')
    assert status == 403
    assert json.loads(content)["error"]["code"] == "read_only_token"
    status, _, content = _call("POST", "/api/v1/notes", JSON, b'{"title": "No"}')
    assert status == 401
    assert Note.objects.count() == 1


@pytest.mark.django_db
def test_the_chains_hooks_answer_first_and_an_error_is_the_handlers_500(
    settings: Any,
) -> None:
    calls: list[str] = []

    def boom(request: HttpRequest) -> HttpResponse:
        calls.append(request.path)
        raise RuntimeError("the database went away")

    handler = ApiHandler({"/api/v1/boom": boom})
    answer: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer.update(status=status, headers=dict(headers))

    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/api/v1/boom",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(),
    }
    b"".join(handler(dict(environ), start_response))
    assert calls == ["/api/v1/boom"]
    assert answer["status"].startswith("500")
    assert answer["headers"]["X-Content-Type-Options"] == "nosniff"

    settings.SECURE_SSL_REDIRECT = True
    handler = ApiHandler({"/api/v1/boom": boom})
    b"".join(handler(dict(environ), start_response))
    assert answer["status"].startswith("301")
    assert answer["headers"]["Location"] == "https://testserver/api/v1/boom"
    assert calls == ["/api/v1/boom"]


@pytest.mark.django_db(transaction=True)
def test_the_writer_replaces_a_connection_past_its_age_as_the_request_signals_would(
    contributor: User, token_for: Callable[..., str]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("Django never closes SQLite's in-memory test database")
    digest = ApiToken.digest_of(token_for(contributor))
    connection.ensure_connection()
    old = connection.connection
    connection.close_at = 0  # older than CONN_MAX_AGE allows
    [outcome] = file_by_token([(digest, IncomingNote(title="Fresh"))])
    assert outcome is not None
    assert connection.connection is not old
    assert Note.objects.get().title == "Fresh"
