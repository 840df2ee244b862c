"""Admin user settings and each user's own API tokens."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from harken.accounts.access import access_token, access_user, require_role, staff
from harken.accounts.actions import (
    do_create_token,
    do_create_user,
    do_revoke_token,
    do_set_active,
    do_set_role,
)
from harken.accounts.forms import NewUserForm, RoleForm, TokenForm
from harken.accounts.models import ApiToken, Role, TokenScope, User
from harken.accounts.views_util import PAGE_SIZE, add_action_error, first_error
from harken.lib.errors import ActionError
from harken.web.decorators import staff_page
from harken.web.params import bool_param


def _users_page(
    request: HttpRequest, form: NewUserForm | None = None, refused: forms.Form | None = None
) -> HttpResponse:
    page = Paginator(User.objects.order_by("username"), PAGE_SIZE).get_page(request.GET.get("page"))
    error = f"Nothing was changed. {first_error(refused)}" if refused is not None else ""
    return render(
        request,
        "accounts/settings_users.html",
        {
            "nav": "settings",
            "tab": "users",
            "page": page,
            "users": list(page.object_list),
            "roles": Role.choices,
            "form": form or NewUserForm(),
            "error": error,
        },
        status=400 if refused is not None else 200,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def settings_users(request: HttpRequest) -> HttpResponse:
    """Staff accounts: who may sign in and with which role."""
    admin = require_role(request.user, Role.ADMIN, "manage users")
    if request.method == "GET":
        return _users_page(request)
    form = NewUserForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = do_create_user(
                admin,
                data["username"],
                data["email"],
                Role(data["role"]),
                password=data["password"],
                first_name=data["first_name"],
                last_name=data["last_name"],
            )
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"Created {user.username} ({user.get_role_display()}).")
            return redirect("settings_users")
    return _users_page(request, form, form)


@staff_page
@require_POST
def settings_user_role(request: HttpRequest, pk: int) -> HttpResponse:
    admin = require_role(request.user, Role.ADMIN, "change roles")
    user = access_user(admin, pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            do_set_role(admin, user, Role(form.cleaned_data["role"]))
        except ActionError as error:
            add_action_error(form, error)
        else:
            messages.success(request, f"{user.username} is now {user.get_role_display()}.")
            return redirect("settings_users")
    return _users_page(request, None, form)


@staff_page
@require_POST
def settings_user_active(request: HttpRequest, pk: int) -> HttpResponse:
    admin = require_role(request.user, Role.ADMIN, "deactivate users")
    user = access_user(admin, pk)
    active = bool_param(request.POST, "active")
    if active is None:
        raise ActionError("Say whether the account is active: yes or no.", field="active")
    do_set_active(admin, user, active)
    verb = "can sign in again" if active else "is deactivated and cannot sign in"
    messages.success(request, f"{user.username} {verb}.")
    return redirect("settings_users")


def _tokens_page(
    request: HttpRequest, form: TokenForm | None = None, raw: str = "", status: int = 200
) -> HttpResponse:
    user = staff(request.user)
    return render(
        request,
        "accounts/tokens.html",
        {
            "nav": "tokens",
            "tokens": list(ApiToken.objects.filter(user=user).order_by("-created_at")),
            "form": form or TokenForm(),
            "raw": raw,
            "error": f"No token was created. {first_error(form)}" if status == 400 and form else "",
        },
        status=status,
    )


@staff_page
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    """The signed-in user's API tokens; a new token is shown once, right after it is made."""
    user = staff(request.user)
    if request.method == "GET":
        return _tokens_page(request)
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, raw = do_create_token(
                user, user, form.cleaned_data["name"], TokenScope(form.cleaned_data["scope"])
            )
        except ActionError as error:
            add_action_error(form, error)
        else:
            # Rendered, not redirected: the raw token must not travel through the session.
            return _tokens_page(request, None, raw)
    return _tokens_page(request, form, status=400)


@staff_page
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff(request.user)
    token = access_token(user, pk)
    name = token.name
    do_revoke_token(user, token)
    messages.success(request, f"Revoked the token “{name}”: it no longer works.")
    return redirect("tokens")
