"""The accounts endpoints: who a token is, and the teammates' ids."""

from __future__ import annotations

from django.test import Client

from harken.accounts.actions import do_set_active
from harken.accounts.models import TokenScope, User
from harken.api.testing import Api, assert_error


def test_me_for_each_role(
    client: Client, admin: User, maker: User, contributor: User, viewer: User
) -> None:
    for user in (admin, maker, contributor, viewer):
        body = Api.as_user(client, user, TokenScope.READ).get("/me").json()
        assert body["user"]["id"] == user.pk
        assert body["user"]["role"] == user.role
    assert_error(client.get("/api/v1/me"), 401, "unauthorized")


def test_users_pages_and_shows_inactive_last(
    client: Client, admin: User, maker: User, viewer: User
) -> None:
    do_set_active(admin, maker, False)
    api = Api.as_user(client, viewer, TokenScope.READ)
    first = api.get("/users", {"limit": 2}).json()
    assert [u["username"] for u in first["items"]] == ["ada", "vera"]
    rest = api.get("/users", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [(u["username"], u["is_active"]) for u in rest["items"]] == [("mona", False)]
    assert rest["next_cursor"] is None
