"""User settings (admins), API tokens (everyone, their own) and the sign-in page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from harken.accounts.models import ApiToken, Role, TokenScope, User
from harken.accounts.tests.pages import query_count
from harken.audit.models import AuditEvent

# User settings


def test_user_settings_send_anonymous_visitors_to_sign_in(client: Client, db: None) -> None:
    response = client.get("/settings/users/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    response = client.post("/settings/users/", {"username": "eve", "role": "admin"})
    assert response.status_code == 302
    assert not User.objects.filter(username="eve").exists()


@pytest.mark.parametrize("persona", ["viewer", "contributor", "maker"])
def test_user_settings_refuse_non_admins(
    client: Client, request: pytest.FixtureRequest, persona: str, admin: User
) -> None:
    member: User = request.getfixturevalue(persona)
    client.force_login(member)
    assert client.get("/settings/users/").status_code == 403
    response = client.post(
        "/settings/users/",
        {"username": "eve", "email": "eve@x.test", "role": "admin", "password": "Long-pass-123"},
    )
    assert response.status_code == 403
    assert client.post(f"/settings/users/{member.pk}/role/", {"role": "admin"}).status_code == 403
    assert client.post(f"/settings/users/{admin.pk}/active/", {"active": "no"}).status_code == 403
    member.refresh_from_db()
    admin.refresh_from_db()
    assert member.role == persona_role(persona)
    assert admin.is_active
    assert not User.objects.filter(username="eve").exists()


def persona_role(persona: str) -> Role:
    return {"viewer": Role.VIEWER, "contributor": Role.CONTRIBUTOR, "maker": Role.MAKER}[persona]


def test_admin_lists_users(client: Client, admin: User, maker: User, viewer: User) -> None:
    client.force_login(admin)
    response = client.get("/settings/users/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ["ada", "mona", "vera"]:
        assert name in html
    assert 'href="/settings/areas/"' in html  # the settings sub-navigation


def test_user_list_query_count_does_not_grow(client: Client, admin: User) -> None:
    client.force_login(admin)
    few = query_count(client, "/settings/users/")
    for i in range(30):
        User.objects.create_user(f"user{i}", f"user{i}@x.test", "pw")
    assert query_count(client, "/settings/users/") == few


def test_admin_creates_a_user_who_can_sign_in(client: Client, admin: User) -> None:
    client.force_login(admin)
    response = client.post(
        "/settings/users/",
        {
            "username": "nora",
            "email": "Nora@Example.com",
            "first_name": "Nora",
            "last_name": "New",
            "role": "maker",
            "password": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    nora = User.objects.get(username="nora")
    assert (nora.role, nora.email, nora.display_name) == ("maker", "nora@example.com", "Nora New")
    assert AuditEvent.objects.filter(action="user.created", object_id=str(nora.pk)).exists()
    other = Client()
    response = other.post(
        "/accounts/login/", {"login": "nora", "password": "a-long-enough-passphrase"}
    )
    assert response.status_code == 302
    assert other.get("/features/").status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password": "short"}, "too short"),
        ({"password": "password123"}, "too common"),
        ({"role": "overlord"}, "Select a valid choice"),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"username": "mona"}, "is taken"),
        ({"username": ""}, "This field is required"),
    ],
)
def test_bad_new_user_is_400_with_a_message(
    client: Client, admin: User, maker: User, change: dict[str, str], message: str
) -> None:
    client.force_login(admin)
    data = {
        "username": "nora",
        "email": "nora@x.test",
        "role": "viewer",
        "password": "Long-pw-5678",
    }
    data.update(change)
    response = client.post("/settings/users/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(username="nora").exists()
    assert User.objects.count() == 2


def test_admin_changes_a_role(client: Client, admin: User, viewer: User) -> None:
    client.force_login(admin)
    response = client.post(f"/settings/users/{viewer.pk}/role/", {"role": "maker"})
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert viewer.role == Role.MAKER
    event = AuditEvent.objects.get(action="user.role_changed", object_id=str(viewer.pk))
    assert event.changes["role"] == ["viewer", "maker"]


def test_bad_role_change_is_400(client: Client, admin: User, viewer: User) -> None:
    client.force_login(admin)
    response = client.post(f"/settings/users/{viewer.pk}/role/", {"role": "god"})
    assert response.status_code == 400
    response = client.post(f"/settings/users/{admin.pk}/role/", {"role": "viewer"})
    assert response.status_code == 400
    assert "cannot take away your own admin role" in response.content.decode()
    assert client.post("/settings/users/999999/role/", {"role": "viewer"}).status_code == 404
    admin.refresh_from_db()
    viewer.refresh_from_db()
    assert (admin.role, viewer.role) == (Role.ADMIN, Role.VIEWER)


def test_admin_deactivates_and_reactivates(client: Client, admin: User, viewer: User) -> None:
    client.force_login(admin)
    response = client.post(f"/settings/users/{viewer.pk}/active/", {"active": "no"})
    assert response.status_code == 302
    viewer.refresh_from_db()
    assert not viewer.is_active
    other = Client()
    other.force_login(viewer)
    assert other.get("/features/").status_code == 302  # no longer signed in
    client.post(f"/settings/users/{viewer.pk}/active/", {"active": "yes"})
    viewer.refresh_from_db()
    assert viewer.is_active
    actions = list(AuditEvent.objects.filter(object_id=str(viewer.pk)).values_list("action"))
    assert ("user.deactivated",) in actions
    assert ("user.activated",) in actions


def test_bad_activation_is_400(client: Client, admin: User, viewer: User) -> None:
    client.force_login(admin)
    assert client.post(f"/settings/users/{viewer.pk}/active/", {}).status_code == 400
    response = client.post(f"/settings/users/{admin.pk}/active/", {"active": "no"})
    assert response.status_code == 400
    assert "cannot deactivate yourself" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


# API tokens


def test_tokens_page_sends_anonymous_visitors_to_sign_in(client: Client, db: None) -> None:
    assert client.get("/me/tokens/").status_code == 302
    assert client.post("/me/tokens/", {"name": "x", "scope": "read"}).status_code == 302
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("persona", ["viewer", "contributor", "maker", "admin"])
def test_everyone_manages_their_own_tokens(
    client: Client, request: pytest.FixtureRequest, persona: str
) -> None:
    user: User = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get("/me/tokens/").status_code == 200
    response = client.post("/me/tokens/", {"name": "CRM sync", "scope": "read"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=user)
    raw = response.context["raw"]
    assert raw.startswith("hk_")
    assert ApiToken.digest_of(raw) == token.digest
    html = response.content.decode()
    assert raw in html
    assert "shown only this once" in html
    # Shown once: the page afterwards lists it by prefix only.
    html = client.get("/me/tokens/").content.decode()
    assert raw not in html
    assert token.prefix in html
    assert "CRM sync" in html
    assert AuditEvent.objects.filter(action="token.created", object_id=str(token.pk)).exists()

    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 302
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="token.revoked").exists()


def test_viewer_cannot_create_a_write_token(client: Client, viewer: User) -> None:
    client.force_login(viewer)
    response = client.post("/me/tokens/", {"name": "Script", "scope": "write"})
    assert response.status_code == 400
    assert "A viewer can only have read tokens." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_contributor_creates_a_write_token(client: Client, contributor: User) -> None:
    client.force_login(contributor)
    client.post("/me/tokens/", {"name": "Script", "scope": "write"})
    assert ApiToken.objects.get().scope == TokenScope.WRITE


def test_bad_token_request_is_400(client: Client, contributor: User) -> None:
    client.force_login(contributor)
    response = client.post("/me/tokens/", {"name": "", "scope": "admin"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "No token was created" in html
    assert "Select a valid choice" in html
    assert not ApiToken.objects.exists()


def test_nobody_revokes_or_sees_someone_elses_token(
    client: Client, token_for: Callable[[User], str], contributor: User, other_contributor: User
) -> None:
    token_for(other_contributor)
    token = ApiToken.objects.get()
    client.force_login(contributor)
    assert client.get("/me/tokens/").context["tokens"] == []
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


# Sign-in


def test_sign_in_page_looks_like_harken(client: Client, db: None) -> None:
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="topbar"' in html  # base.html
    assert "harken.css" in html
    assert "Sign in" in html
    assert 'name="login"' in html
    assert 'name="password"' in html
    assert "sign up" not in html.lower()


def test_sign_in_with_a_wrong_password_shows_an_error(client: Client, maker: User) -> None:
    response = client.post("/accounts/login/", {"login": "mona", "password": "wrong"})
    assert response.status_code == 200
    assert "flash error" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_then_back_to_the_page_asked_for(client: Client, maker: User) -> None:
    response = client.post(
        "/accounts/login/?next=/companies/",
        {"login": "mona", "password": "correct-horse-battery", "next": "/companies/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/companies/"


def test_sign_up_is_closed(client: Client, db: None) -> None:
    response = client.get("/accounts/signup/")
    assert "there is no self sign-up" in response.content.decode()
    client.post(
        "/accounts/signup/",
        {"username": "eve", "email": "eve@x.test", "password1": "Long-pw-5678", "password2": "x"},
    )
    assert not User.objects.filter(username="eve").exists()
