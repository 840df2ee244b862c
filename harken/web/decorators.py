"""One decorator for every staff page: sign-in, and ActionError rendered as a 4xx page."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from harken.accounts.models import User
from harken.lib.errors import ActionError

TITLES = {400: "Please fix this", 403: "Not allowed", 404: "Not found"}

View = Callable[..., HttpResponse]


def error_page(request: HttpRequest, error: ActionError) -> HttpResponse:
    return render(
        request,
        "web/error.html",
        {"title": TITLES.get(error.status, "Error"), "message": error.message},
        status=error.status,
    )


def staff_page(view: View) -> View:
    """Require a signed-in, active staff user; turn ActionError into its 4xx page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not isinstance(request.user, User) or not request.user.is_active:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except ActionError as error:
            return error_page(request, error)

    return wrapper
