"""Test helpers: call the API as a token's user, and check the one error shape."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.test import Client
from django.test.client import ClientHandler

from harken.accounts.actions import do_create_token
from harken.accounts.models import TokenScope, User
from harken.web.handler import ApiChain, is_api

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

BASE = "/api/v1"


class _ApiClientHandler(ApiChain, ClientHandler):
    pass


class _RoutingClientHandler:
    """The test client's handler, routed as production routes (harken.web.handler): /api/
    through the API's middleware chain, everything else through the site's."""

    def __init__(self, enforce_csrf_checks: bool) -> None:
        self.site = ClientHandler(enforce_csrf_checks)
        self.api = _ApiClientHandler(enforce_csrf_checks)

    def __call__(self, environ: dict[str, Any]) -> Any:
        if is_api(environ.get("PATH_INFO", "")):
            return self.api(environ)
        return self.site(environ)


class HarkenClient(Client):
    """Django's test client with production's two middleware chains (the `client` fixture)."""

    def __init__(self, enforce_csrf_checks: bool = False, **defaults: Any) -> None:
        super().__init__(enforce_csrf_checks, **defaults)
        self.handler = _RoutingClientHandler(enforce_csrf_checks)  # type: ignore[assignment]


class Api:
    """A Django test client that sends a bearer token and JSON bodies."""

    def __init__(self, client: Client, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    @classmethod
    def as_user(cls, client: Client, user: User, scope: TokenScope = TokenScope.WRITE) -> Api:
        return cls(client, do_create_token(None, user, "test", scope)[1])

    def get(self, path: str, params: dict[str, Any] | None = None) -> Response:
        return self.client.get(BASE + path, params or {}, headers=self.headers)

    def _send(self, method: str, path: str, body: Any) -> Response:
        send = getattr(self.client, method)
        data = body if isinstance(body, str | bytes) else json.dumps(body)
        response: Response = send(
            BASE + path, data, content_type="application/json", headers=self.headers
        )
        return response

    def post(self, path: str, body: Any = None) -> Response:
        return self._send("post", path, {} if body is None else body)

    def put(self, path: str, body: Any = None) -> Response:
        return self._send("put", path, {} if body is None else body)

    def patch(self, path: str, body: Any = None) -> Response:
        return self._send("patch", path, {} if body is None else body)

    def delete(self, path: str) -> Response:
        response: Response = self.client.delete(BASE + path, headers=self.headers)
        return response


def assert_error(
    response: Response, status: int, code: str | None = None, field: str | None = None
) -> dict[str, Any]:
    """The response is the API's error shape with this status (and code, and field)."""
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error: dict[str, Any] = body["error"]
    assert set(error) == {"code", "message", "field", "details"}
    assert error["message"]
    assert error["details"]
    for detail in error["details"]:
        assert set(detail) == {"field", "code", "message"}
    if code is not None:
        assert error["code"] == code, error
    if field is not None:
        assert error["field"] == field, error
    return error
