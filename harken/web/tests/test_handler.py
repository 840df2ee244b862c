"""The WSGI application production serves: /api/ through the API's chain, the rest the site's."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import BytesIO
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest

from harken.accounts.models import User
from harken.inbox.models import Note
from harken.lib.testing import connection_kept
from harken.web.handler import HarkenWSGI, is_api

# What harken.wsgi serves, built here: importing that module would also tune (freeze) the
# test process's garbage collector for serving.
application = HarkenWSGI()


def _call(
    method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
) -> tuple[int, dict[str, list[str]], bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SERVER_NAME": "testserver",
        "wsgi.input": BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
    }
    setup_testing_defaults(environ)
    for name, value in (headers or {}).items():
        key = name.upper().replace("-", "_")
        environ[key if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    answer: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        answer["status"] = int(status.split()[0])
        answer["headers"] = {}
        for name, value in response_headers:
            answer["headers"].setdefault(name.lower(), []).append(value)

    with connection_kept():
        content = b"".join(application(environ, start_response))
    return answer["status"], answer["headers"], content


def test_paths_under_api_take_the_api_chain_except_the_docs_page() -> None:
    assert is_api("/api/v1/notes")
    assert is_api("/api/v1/notes/batch")
    assert not is_api("/api/v1/docs")
    assert not is_api("/inbox/")
    assert not is_api("/apiary/")


@pytest.mark.django_db
def test_api_requests_work_without_session_or_csrf_and_keep_security_headers(
    contributor: User, token_for: Callable[..., str]
) -> None:
    auth = {"Authorization": f"Bearer {token_for(contributor)}"}
    body = json.dumps({"title": "Export to PDF", "body": "Every Monday."}).encode()
    status, headers, content = _call(
        "POST", "/api/v1/notes", {**auth, "Content-Type": "application/json"}, body
    )
    assert status == 201, content
    assert Note.objects.get(pk=json.loads(content)["id"]).submitter == contributor
    assert headers["x-content-type-options"] == ["nosniff"]
    assert "set-cookie" not in headers
    assert "cookie" not in headers.get("vary", [""])[0].lower()
    # Sized, as the site's pages are: a keep-alive client needs no chunked encoding.
    assert headers["content-length"] == [str(len(content))]

    status, headers, content = _call("GET", "/api/v1/notes", auth)
    assert status == 200
    assert headers["content-length"] == [str(len(content))]
    assert [n["title"] for n in json.loads(content)["items"]] == ["Export to PDF"]

    # No token: the API's own error shape, never a login redirect.
    status, _, content = _call("GET", "/api/v1/notes")
    assert status == 401
    assert json.loads(content)["error"]["code"] == "unauthorized"


@pytest.mark.django_db
def test_pages_and_the_api_docs_take_the_site_chain(contributor: User) -> None:
    status, headers, content = _call("GET", "/accounts/login/")
    assert status == 200
    assert any(c.startswith("csrftoken=") for c in headers["set-cookie"])

    status, headers, content = _call("GET", "/api/v1/docs")
    assert status == 200
    assert b"swagger" in content.lower()
    assert headers["x-frame-options"] == ["DENY"]
    # Swagger UI comes from Harken's own static files, never from another site.
    assert b'src="/static/ninja/swagger-ui-bundle.js"' in content
    assert b"https://" not in content
    status, headers, content = _call("GET", "/static/ninja/swagger-ui-bundle.js")
    assert status == 200
    assert b"SwaggerUI" in content

    # A form post without its CSRF token is still refused on the site.
    status, _, _ = _call(
        "POST",
        "/accounts/login/",
        {"Content-Type": "application/x-www-form-urlencoded"},
        b"login=carl&password=correct-horse-battery",
    )
    assert status == 403
