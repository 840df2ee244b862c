"""Bearer tokens: who may call, what a read token may do, and how often a token is touched."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from harken.accounts.actions import do_revoke_token, do_set_active
from harken.accounts.models import ApiToken, TokenScope, User
from harken.api.testing import Api, assert_error
from harken.inbox.models import Note


@pytest.mark.parametrize(
    "header",
    [None, "", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token abc", "Bearer hk_not-a-token"],
)
def test_missing_or_invalid_token_is_401(client: Client, maker: User, header: str | None) -> None:
    headers = {} if header is None else {"Authorization": header}
    for method, path in (("get", "/api/v1/notes"), ("post", "/api/v1/notes")):
        r = getattr(client, method)(path, headers=headers, content_type="application/json")
        assert_error(r, 401, "unauthorized")
        assert r["WWW-Authenticate"].startswith("Bearer")
    assert not Note.objects.exists()


def test_session_login_is_not_an_api_token(client: Client, maker: User) -> None:
    client.force_login(maker)
    assert_error(client.get("/api/v1/notes"), 401, "unauthorized")


def test_revoked_token_and_inactive_user_are_401(
    client: Client, maker: User, admin: User, contributor: User
) -> None:
    api = Api.as_user(client, maker, TokenScope.READ)
    assert api.get("/me").status_code == 200
    do_revoke_token(maker, ApiToken.objects.get(user=maker))
    assert_error(api.get("/me"), 401, "unauthorized")
    api = Api.as_user(client, contributor, TokenScope.READ)
    do_set_active(admin, contributor, False)
    assert_error(api.get("/me"), 401, "unauthorized")


def test_read_token_reads_but_never_writes(client: Client, maker: User, feature: object) -> None:
    api = Api.as_user(client, maker, TokenScope.READ)
    assert api.get("/notes").status_code == 200
    assert api.get("/features").status_code == 200
    for response in (
        api.post("/notes", {"title": "x"}),
        api.post("/features", {"title": "x"}),
        api.put("/companies/by-domain/x.com", {"name": "X"}),
        api.post("/people", {"email": "a@x.com"}),
        api.delete("/links/1"),
    ):
        error = assert_error(response, 403, "read_only_token")
        assert "write scope" in error["message"]


def test_me_says_who_and_which_token(client: Client, contributor: User) -> None:
    body = Api.as_user(client, contributor, TokenScope.READ).get("/me").json()
    assert body["user"]["username"] == "carl"
    assert body["user"]["role"] == "contributor"
    assert body["token_scope"] == "read"


def test_last_used_at_is_written_at_most_once_a_minute(client: Client, maker: User) -> None:
    api = Api.as_user(client, maker, TokenScope.READ)
    token = ApiToken.objects.get(user=maker)
    assert token.last_used_at is None
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        api.get("/me")
        token.refresh_from_db()
        assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        api.get("/me")
        token.refresh_from_db()
        assert token.last_used_at == start
    later = start + timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        api.get("/me")
        token.refresh_from_db()
        assert token.last_used_at == later


def test_users_lists_teammates_for_every_staff_role(
    client: Client, viewer: User, maker: User, contributor: User
) -> None:
    body = Api.as_user(client, viewer, TokenScope.READ).get("/users").json()
    assert [u["username"] for u in body["items"]] == ["carl", "mona", "vera"]
    assert body["next_cursor"] is None
