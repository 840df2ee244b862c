"""The signed-in user's notifications."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from harken.accounts.access import staff
from harken.notify.actions import do_mark_read
from harken.notify.queries import notifications_page
from harken.web.decorators import staff_page

PER_PAGE = 30


def safe_href(url: str) -> str:
    """The notification's link if it is one of ours or a web address; never `javascript:`."""
    if url.startswith("/") and not url.startswith("//"):
        return url
    return url if url.startswith(("https://", "http://")) else ""


@staff_page
def notifications(request: HttpRequest) -> HttpResponse:
    user = staff(request.user)
    cursor = request.GET.get("cursor", "").strip() or None
    page = notifications_page(user, cursor, PER_PAGE)
    return render(
        request,
        "notify/notifications.html",
        {
            "page": page,
            "rows": [(n, safe_href(n.url)) for n in page.items],
            "first_page": cursor is None,
            "nav": "notifications",
        },
    )


@staff_page
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    user = staff(request.user)
    count = do_mark_read(user)
    if count:
        messages.success(request, f"Marked {count} notification{'s' if count != 1 else ''} read.")
    return redirect("notifications")
